"""The local web app (`spasmlog serve`): a front end beside the CLI, for a phone's browser.

app.py is the factory and the shared helpers; security.py every rule about who may do what
(Host, origin, session, headers); logins.py the one-time links and device sessions; forms.py the
form fields through the CLI's own parsers; log_pages, diary_pages and report_pages the pages;
server.py waitress; service.py the per-user service; command.py `spasmlog serve` itself.
"""
