"""The application layer: what the bot does, without Telegram.

- `ask.Ask`: a question in, a reply out (rate limit, the engine off the event loop, the
  conversation log, and the ticket when the engine escalates);
- `desk.Desk`: the staff desk's use cases (open, report steps, claim, relay, close, FAQ), each
  one database transaction, after which the outbox is woken;
- `knowledge_base.KnowledgeBase`: the only writer of the engine's passages (ingest, replace,
  remove, legal status, staff FAQ answers, catalog sync), under one lock.

Nothing here imports telegram: the handlers (bot/handlers) are thin adapters that read an
update, call a use case, render the result and reply. Button layouts travel as
`bot.buttons.Keyboard` values, which the adapters and the outbox turn into Telegram markup.
"""
