"""Everything the bot says, in Indonesian, in one package (Telegram HTML unless noted).

    citizen  the citizen's side: welcome, help, answers' notices, buttons, errors
    desk     the staff desk: tickets, cards, the report intake, reminders
    admin    the admins' knowledge-base commands

Values formatted into a text must go through `bot.render.esc`.
"""
