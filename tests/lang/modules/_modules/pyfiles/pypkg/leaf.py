from . import __name__ as parent_name
def twice(x):
    return 2 * x
WHERE = (__name__, __package__, parent_name)
