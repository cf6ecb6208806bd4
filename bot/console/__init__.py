"""The staff and admin web console (issue 14): Starlette + Jinja2 over the application layer.

`app.console_routes(services, bot)` gives the routes under /konsol; bot/web.py mounts them beside
the webhook, `server.serve_polling_with_console` serves them on 127.0.0.1:KEPEMILUAN_CONSOLE_PORT
next to long polling.
"""
