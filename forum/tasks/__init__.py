"""The tasks part (任务下达): an org assigns a task to orgs below it or to members, receivers
answer, the assigning org accepts or returns each answer (docs/tasks.md)."""
