"""What an import did (or, in a dry run, would do): counts, failed records with reasons, and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """Counts per outcome; `failed` and `warnings` list (row or card number, reason) in file order."""

    total: int = 0  # records read (rows or cards)
    created: int = 0  # new contacts (and organizations, for organization cards)
    updated: int = 0  # matched and changed
    unchanged: int = 0  # matched, and the file had nothing new for them
    skipped: int = 0  # matched and left alone (on match: skip)
    failed: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    organizations_created: int = 0  # every new organization, from organization cards or contacts' company names
    dry_run: bool = False
    unit: str = "row"  # "row" for CSV files, "card" for vCard files

    def in_file_order(self) -> None:
        """Sort the failed rows and warnings by row number (work may meet them out of order)."""
        self.failed.sort(key=lambda item: item[0])
        self.warnings.sort(key=lambda item: item[0])

    @property
    def failed_count(self) -> int:
        return len(self.failed)

    def summary(self) -> str:
        """One sentence for a status bar or a terminal."""
        parts = [f"{self.created:,} created", f"{self.updated:,} updated"]
        if self.unchanged:
            parts.append(f"{self.unchanged:,} unchanged")
        parts += [f"{self.skipped:,} skipped", f"{self.failed_count:,} failed"]
        text = f"{self.total:,} {self.unit}{'s' * (self.total != 1)} read: {', '.join(parts)}"
        if self.organizations_created:
            text += f"; {self.organizations_created:,} new organization{'s' * (self.organizations_created != 1)}"
        if self.dry_run:
            text += " (dry run: nothing was written)"
        return text + "."
