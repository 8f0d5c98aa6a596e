"""党员服务 (办理业务): service requests of kinds defined as data, handled by an org's admins,
passed up the tree, with a thread, deadlines, overdue flags and a satisfaction rating."""
