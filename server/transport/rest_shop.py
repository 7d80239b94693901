"""REST endpoints of the catalogue's names: the aliases and synonyms shoppers use for products."""
from __future__ import annotations

from ..actions import catalogue
from . import payloads as P
from . import responses as R
from .rest_base import api


@api("GET", "/api/shop/aliases", "The names shoppers use for products (aliases per SKU) and synonym groups",
     response=R.AliasesOut)
async def get_aliases(request, svc, user, body):
    return await catalogue.access_aliases(svc)


@api("PUT", "/api/shop/aliases", "Replace aliases and/or synonym groups (platform admins): {aliases?, synonyms?}",
     body=P.SetAliases, response=R.AliasesOut)
async def set_aliases(request, svc, user, body):
    return await catalogue.check_set_aliases(svc, user, aliases=body.aliases, synonyms=body.synonyms)
