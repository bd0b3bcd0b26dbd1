print("rpkg __main__ running as", __name__, "package", repr(__package__))
