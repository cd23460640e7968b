"""Inbound HTTP from the providers: each module verifies a request, translates its
payload into an InboundMessage and hands it to the inbox. Nothing here decides what
to answer."""

from flask import Flask


def register(app: Flask) -> None:
    from webhooks import kannel, smsgate, telegram, twilio

    app.register_blueprint(telegram.blueprint)
    app.register_blueprint(twilio.blueprint)
    app.register_blueprint(kannel.blueprint)
    app.register_blueprint(smsgate.blueprint)
