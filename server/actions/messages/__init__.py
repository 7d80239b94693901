"""The message actions. Transport calls them through this package; the modules say what each part does:
send (the pipeline), publish (who hears of it), changes (edit, delete, react, like, hide), reads."""
from .changes import check_delete_message, check_edit_message, check_like_message, check_react, do_set_hidden
from .publish import check_typing, conversation_rooms
from .reads import access_history, access_sync, check_mark_read
from .send import Draft, check_send_message, send_in

__all__ = ["Draft", "access_history", "access_sync", "check_delete_message", "check_edit_message",
           "check_like_message", "check_mark_read", "check_react", "check_send_message", "check_typing",
           "conversation_rooms", "do_set_hidden", "send_in"]
