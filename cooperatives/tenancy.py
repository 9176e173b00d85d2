from functools import wraps

from django_scopes import scope


def scoped(func):
    """Run a selector or service inside `scope(cooperative=…)` of its `cooperative` keyword, so
    it works the same from a view (already scoped by the middleware), a command or a test."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        cooperative = kwargs.get("cooperative")
        if cooperative is None:
            raise TypeError(f"{func.__name__} needs cooperative=…")
        with scope(cooperative=cooperative):
            return func(*args, **kwargs)

    return wrapper
