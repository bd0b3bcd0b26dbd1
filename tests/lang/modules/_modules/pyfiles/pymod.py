"""A module written as a .py file."""
COUNT = 1
def hello(who):
    return f"hello {who} from {__name__} in {__package__!r}"
