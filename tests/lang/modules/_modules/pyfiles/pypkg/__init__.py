from .leaf import twice
NAME = "pypkg"
