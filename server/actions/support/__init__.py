"""The support desk's actions. Transport calls them through this package: cases (opening, hand-off,
rating), assistant (the assistant's turn), desk (queue, claim, transfer, resolve), canned replies."""
from .canned import access_canned, check_set_canned
from .cases import (MAX_RATING_COMMENT, access_case, check_open_support, check_rate, check_request_human, describe,
                    ensure_bot_user)
from .desk import (access_agents, access_case_for_desk, access_my_cases, access_queue, check_claim, check_resolve,
                   check_transfer)

__all__ = ["MAX_RATING_COMMENT", "access_agents", "access_canned", "access_case", "access_case_for_desk",
           "access_my_cases", "access_queue", "check_claim", "check_open_support", "check_rate", "check_request_human",
           "check_resolve", "check_set_canned", "check_transfer", "describe", "ensure_bot_user"]
