print("init _circ_shop")
from .cart import Cart
