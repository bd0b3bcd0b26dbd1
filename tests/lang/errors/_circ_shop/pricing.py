from .cart import Cart
def price_of(name): return 1
