#!/usr/bin/env bash
# Size rules that keep the app and the core built from small parts:
#   - no .cpp or .h file in app/ or core/ longer than 450 lines;
#   - every tab constructor in app/ (FooTab::FooTab(…), from its first line to its closing brace) under 60 lines.
# Exits non-zero naming each file or constructor that breaks a rule. Run from anywhere inside the repository.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
max_file_lines=450
max_constructor_lines=59
status=0

while IFS= read -r -d '' file; do
    lines=$(wc -l < "$file")
    if (( lines > max_file_lines )); then
        echo "check_sizes: ${file#"$root"/} has $lines lines (at most $max_file_lines)" >&2
        status=1
    fi
done < <(find "$root/app" "$root/core" \( -name '*.cpp' -o -name '*.h' \) -print0 | sort -z)

# A constructor starts at a line "XTab::XTab(" and ends at the first line that is a lone "}" at column 0.
while IFS= read -r -d '' file; do
    while IFS=$'\t' read -r name length; do
        if (( length > max_constructor_lines )); then
            echo "check_sizes: ${file#"$root"/}: $name is $length lines (under 60)" >&2
            status=1
        fi
    done < <(awk '
        match($0, /^[A-Za-z_][A-Za-z0-9_]*Tab::[A-Za-z_][A-Za-z0-9_]*Tab\(/) {
            split(substr($0, 1, RLENGTH - 1), parts, "::")
            if (parts[1] == parts[2]) { name = parts[1] "::" parts[2]; start = NR }
        }
        name != "" && /^}/ { printf "%s\t%d\n", name, NR - start + 1; name = "" }
    ' "$file")
done < <(find "$root/app" -name '*.cpp' -print0 | sort -z)

exit $status
