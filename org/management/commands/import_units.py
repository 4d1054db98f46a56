from core.commands import ImportCommand, Plan, load_grid_or_fail
from org.services import units_from_grid, units_import


class Command(ImportCommand):
    help = "Create or update units from a table with the columns of units.csv (code,name,short_name,type,...)."

    def load(self, path, **options):
        return load_grid_or_fail(path)

    def plan(self, grid, **options):
        rows, errors = units_from_grid(grid)
        return Plan(errors=errors, summary=f"{len(rows)} units")

    def apply(self, grid, plan, **options):
        created, updated = units_import(grid=grid)
        return f"Units: {created} created, {updated} updated."
