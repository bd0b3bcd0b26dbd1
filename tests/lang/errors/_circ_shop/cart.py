from .pricing import price_of
Cart = object
