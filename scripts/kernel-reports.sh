# shellcheck shell=bash
# The kernel log lines that fail a run (scripts/vm-run) or a test
# (tests/run-in-guest): one extended regular expression, kept in one place.
# kmemleak's "unreferenced object" is matched only where a scan was asked
# for, so it is not in here.
kernel_report_re='WARNING:|BUG:|Oops|general protection fault|kernel BUG at|Kernel panic'
kernel_report_re+='|KASAN|UBSAN|possible circular locking|possible recursive locking'
kernel_report_re+='|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked'
kernel_report_re+='|rcu: INFO|soft lockup|hard LOCKUP|refcount_t:'
kernel_report_re+='|list_add corruption|list_del corruption|stalled pool shutdown'
