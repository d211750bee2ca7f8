"""django-axes' `axes_reset_username`, audited: an unlock from the command line is written to the audit log as the
admin screen's is (user.unlock), by "system", with the number of wrong passwords forgotten
(user_services.wrong_passwords_forget_by_name)."""

from axes.management.commands.axes_reset_username import Command as AxesCommand

from beacon.accounts.user_services import wrong_passwords_forget_by_name


class Command(AxesCommand):
    help = "Unlock accounts locked after wrong passwords: forget the wrong passwords counted for these user names"

    def handle(self, *args, **options):
        total = sum(wrong_passwords_forget_by_name(username=username) for username in options["username"])
        self.stdout.write(f"{total} attempts removed." if total else "No attempts found.")
