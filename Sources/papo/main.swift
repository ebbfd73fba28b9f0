print("papo")
