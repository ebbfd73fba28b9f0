/// Webhook bodies in the documented shapes of meta-cloud-api.md §4.3–4.4.
enum MetaSamples {
    private static func wrap(_ value: String) -> String {
        #"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"#
            + value + "}}]}]}"
    }

    static let text = wrap(
        #"""
        "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
          "timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]
        """#)

    static let imageReply = wrap(
        #"""
        "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"wamid.IMG","timestamp":"1749416400","type":"image",
          "context":{"from":"15550783881","id":"wamid.OUT1","forwarded":true},
          "image":{"caption":"Blue, please","mime_type":"image/jpeg","sha256":"abc","id":"1479537139650973",
                   "url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1479537139650973"}}]
        """#)

    static let interactiveReplies = wrap(
        #"""
        "messages":[
          {"from":"16505551234","id":"wamid.TAP1","timestamp":"1749416401","type":"interactive",
           "context":{"from":"15550783881","id":"wamid.BUTTONS"},
           "interactive":{"type":"button_reply","button_reply":{"id":"change-button","title":"Change"}}},
          {"from":"16505551234","id":"wamid.TAP2","timestamp":"1749416402","type":"interactive",
           "interactive":{"type":"list_reply","list_reply":{"id":"priority_express","title":"Priority Mail Express",
             "description":"Next Day to 2 Days"}}},
          {"from":"16505551234","id":"wamid.TAP3","timestamp":"1749416403","type":"button",
           "button":{"payload":"CONFIRM","text":"Yes, confirm"}}]
        """#)

    static let statuses = wrap(
        #"""
        "statuses":[
          {"id":"wamid.SENT","status":"sent","timestamp":"1750030073","recipient_id":"16505551234",
           "conversation":{"id":"72b14d6bd5407799e66f64d1b338e567","expiration_timestamp":"1750116480",
             "origin":{"type":"marketing"}},
           "pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"marketing"}},
          {"id":"wamid.FAILED","status":"failed","timestamp":"1750030080","recipient_id":"16505551234",
           "errors":[{"code":131049,
             "title":"This message was not delivered to maintain healthy ecosystem engagement.",
             "message":"This message was not delivered to maintain healthy ecosystem engagement.",
             "error_data":{"details":"In order to maintain a healthy ecosystem engagement, the message failed to be delivered."},
             "href":"/documentation/business-messaging/whatsapp/support/error-codes"}]},
          {"id":"wamid.LATE","status":"failed","timestamp":"1750030090","recipient_id":"16505551234",
           "errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message"}]}]
        """#)

    static let unsupported = wrap(
        #"""
        "messages":[{"from":"16505551234","id":"wamid.UNS","timestamp":"1749416500","type":"unsupported",
          "errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown",
            "error_data":{"details":"Message type is currently not supported."}}]}]
        """#)
}
