"""通知公告: an org publishes a notice to its subtree (statuses, roles), optionally asking for
a read confirmation (回执) by a deadline; the publisher sees who has and has not confirmed and
reminds them; notices reach members in the bell, on the home page and by e-mail/SMS."""
