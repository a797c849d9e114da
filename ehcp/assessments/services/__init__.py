"""Everything that changes an assessment happens in these services.

Each service owns its transaction and queues, inside it, the notifications its change causes
(an outbox row, `notifications.services.notification_queue`); views, forms and flow nodes only
call services. The modules import each other one way, every import at the top of the file:
`casework` and `assessment` use the services of the rooms below (`ehcp.common.services`,
`ehcp.governance.services`, `ehcp.children.services`, `ehcp.plans.services`); `advice` also uses `assessment`
(`exception_record`, `advice_page_link`). No module imports another's `_private` name.
"""
