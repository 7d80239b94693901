"""The only place state changes. check_* validates and authorizes, then calls do_*;
do_* writes and then publishes; access_* fetches something with its permission check."""
