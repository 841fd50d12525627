"""Which answered a request, a shortcut (app/http/shortcuts.py) or the route it stands in for.

A route leaves FastAPI's route object in ``scope["route"]``, a shortcut its ``RouteName``.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from app.http.shortcuts import RouteName


class RouteSpy:
    """The app, with who answered each request kept: "shortcut" or "route"."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.answered_by: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            route = scope.get("route")
            self.answered_by.append("shortcut" if isinstance(route, RouteName) else "route")
