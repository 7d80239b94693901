"""Below the actions: who may see and do what (access, roles, trust) and the rules book. Nothing here
changes state or imports an action."""
