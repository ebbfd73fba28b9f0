/// Limits WhatsApp enforces on outbound messages (meta-cloud-api.md §1.3). Validating them
/// before sending turns a rejected request into a 4xx that names the field.
public enum WhatsAppLimits {
    /// Text message body.
    public static let textBody = 4096
    /// Media caption (image, video, document).
    public static let caption = 1024
    /// Contacts in one contacts message.
    public static let contacts = 257
    /// Reply buttons in one interactive message.
    public static let buttons = 3
    /// Reply button id.
    public static let buttonID = 256
    /// Reply button title.
    public static let buttonTitle = 20
    /// Body of a reply-buttons message.
    public static let buttonsBody = 1024
    /// Footer of any interactive message.
    public static let footer = 60
    /// Text header of any interactive message.
    public static let headerText = 60
    /// Body of a list message.
    public static let listBody = 4096
    /// The label of the button that opens a list.
    public static let listButton = 20
    /// Sections in a list.
    public static let listSections = 10
    /// Rows across all sections of a list.
    public static let listRows = 10
    /// List section title.
    public static let sectionTitle = 24
    /// List row title.
    public static let rowTitle = 24
    /// List row id.
    public static let rowID = 200
    /// List row description.
    public static let rowDescription = 72
}
