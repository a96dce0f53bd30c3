"""Short, stable operation ids: `<tag>_<handler>` (`rosters_publish`, `patients_list`), the
names a generated client gives its functions. They change only when a handler is renamed."""

from __future__ import annotations

from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    """The route's first tag, then its handler's name without the words the tag already says."""
    tag = str(route.tags[0]) if route.tags else "service"
    said = {tag, tag.removesuffix("s")}
    words = [word for word in route.name.split("_") if word not in said] or [route.name]
    return "_".join([tag.replace("-", "_"), *words])
