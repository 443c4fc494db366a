#!/usr/bin/env bash
# The RFC 9293 compliance matrix (docs/rfc9293-compliance.md) against the tests, so that neither can
# drift from the other. Usage: bash scripts/check_compliance.sh <repository root>
#
# The matrix: every Markdown table row whose first cell is a label (MUST-n, SHLD-n, MAY-n, REC-n)
# is a requirement, with six cells: Label | Requirement | RFC section | Status | Tests | Notes.
# Checked:
#   1. Each of the 119 labels of RFC 9293 Appendix B (MUST-1..69, SHLD-1..31, MAY-1..18, REC-1)
#      appears in exactly one row, and no other label does.
#   2. Status is one of: done, partly, not yet, n/a. A "done" row lists at least one test.
#   3. The summary table (rows MUST, SHLD, MAY, REC, all: done | partly | not yet | n/a | total)
#      agrees with the rows.
#   4. Tests are comma-separated, each optionally in backquotes ("—" or empty: none), of two forms:
#      - path/to/file.c:test_function (path from the repository root): the file exists; it defines
#        the function exactly once (a line "static void test_function(", "static" optional); the
#        function is registered with cmocka (cmocka_unit_test...(test_function ...) in the file);
#        and the function carries an RFC9293 tag naming the row's label (below).
#      - path/to/script.pkt (a packetdrill script): the file exists and has a line comment
#        "// ... RFC9293: <labels>" naming the row's label.
#   5. Every RFC9293 tag in tests/unit, tests/fsm and tests/sim (*.c) sits directly above a
#      function definition, and every label it names lists that function in its row.
#
# An RFC9293 tag is a comment line "/* RFC9293: MUST-10, MUST-11 */" (or "// RFC9293: ..."). It
# belongs to a function when it lies in the run of comment lines that ends on the line just above
# the function's definition line. A comment line is one whose first non-blank characters are "/*",
# "*" or "//", or which ends in "*/"; the run may hold other comment lines (the test's
# description), is looked at for at most 12 lines, and ends at a blank line or a line of code.
# Labels in a tag are separated by commas and/or blanks and compared whole (MUST-1 is not MUST-10).
#
# Exit status: 0 when everything agrees, 1 with one message per disagreement, 2 on bad usage.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: bash scripts/check_compliance.sh <repository root>" >&2
  exit 2
fi
root=${1%/}
matrix_rel=docs/rfc9293-compliance.md
matrix=$root/$matrix_rel
if [ ! -f "$matrix" ]; then
  echo "compliance: $matrix_rel not found under $root" >&2
  exit 2
fi

errors=0
err() {
  echo "compliance: $*" >&2
  errors=$((errors + 1))
}

readonly TAG_WINDOW=12

# ---- the matrix ----------------------------------------------------------------------------
# Requirement rows as "R<TAB>line<TAB>label<TAB>status<TAB>tests", summary rows as
# "S<TAB>line<TAB>kind<TAB>done<TAB>partly<TAB>not yet<TAB>n/a<TAB>total", malformed label rows
# as "BAD<TAB>line<TAB>label<TAB>cells".
parsed=$(awk -F'|' '
  function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
  /^[ \t]*\|/ {
    first = trim($2)
    if (first ~ /^(MUST|SHLD|MAY|REC)-[0-9]+$/) {
      if (NF != 8) { printf "BAD\t%d\t%s\t%d\n", NR, first, NF - 2; next }
      printf "R\t%d\t%s\t%s\t%s\n", NR, first, trim($5), trim($6)
    } else if (first ~ /^(MUST|SHLD|MAY|REC|all)$/ && NF == 8) {
      printf "S\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", NR, first, trim($3), trim($4), trim($5), trim($6), trim($7)
    }
  }' "$matrix")

while IFS=$'\t' read -r _ line label cells; do
  err "$matrix_rel:$line: row $label has $cells cells, not 6 (Label | Requirement | RFC section | Status | Tests | Notes; no '|' inside a cell)"
done < <(printf '%s\n' "$parsed" | grep '^BAD' || true)

rows=$(printf '%s\n' "$parsed" | grep '^R' || true)

# 1. The 119 labels, each exactly once.
expected=$( { for i in $(seq 1 69); do echo "MUST-$i"; done
              for i in $(seq 1 31); do echo "SHLD-$i"; done
              for i in $(seq 1 18); do echo "MAY-$i"; done
              echo "REC-1"; } | sort)
present=$(printf '%s\n' "$rows" | awk -F'\t' 'NF { print $3 }' | sort)
for label in $(comm -23 <(echo "$expected") <(printf '%s\n' "$present" | sort -u)); do
  err "$matrix_rel: $label is missing"
done
for label in $(comm -13 <(echo "$expected") <(printf '%s\n' "$present" | sort -u)); do
  err "$matrix_rel: $label is not a requirement of RFC 9293 (Appendix B has MUST-1..69, SHLD-1..31, MAY-1..18, REC-1)"
done
for label in $(printf '%s\n' "$present" | uniq -d); do
  err "$matrix_rel: $label appears $(printf '%s\n' "$present" | grep -cx "$label") times, not once"
done

# awk: the labels a tag line names, separated by commas and/or blanks.
readonly AWK_TAGS='
  function is_comment(s) { return s ~ /^[ \t]*(\/\*|\*|\/\/)/ || s ~ /\*\/[ \t]*$/ }
  function labels(s,   n, a, i, out) {
    sub(/.*RFC9293:/, "", s); sub(/\*\/.*/, "", s)
    n = split(s, a, /[ \t,]+/); out = ""
    for (i = 1; i <= n; i++) if (a[i] ~ /^(MUST|SHLD|MAY|REC)-[0-9]+$/) out = out " " a[i]
    return out
  }'

# Index C file $1 (path from the root) once: for each function defined in it, fn_defs[file:fn] (how
# many definitions), fn_reg[file:fn] (1 when registered with cmocka) and fn_tags[file:fn] (the
# labels of its RFC9293 tags, blank-separated with blanks around).
declare -A indexed fn_defs fn_reg fn_tags
index_file() {
  local file=$1 fn defs reg tags
  [ -n "${indexed[$file]:-}" ] && return
  indexed[$file]=1
  while IFS=$'\t' read -r fn defs reg tags; do
    fn_defs[$file:$fn]=$defs
    fn_reg[$file:$fn]=$reg
    fn_tags[$file:$fn]="$tags"
  done < <(awk -v win="$TAG_WINDOW" "$AWK_TAGS"'
    { text[NR] = $0 }
    /^[ \t]*(static[ \t]+)?void[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/ {
      fn = $0
      sub(/^[ \t]*(static[ \t]+)?void[ \t]+/, "", fn)
      sub(/[ \t]*\(.*/, "", fn)
      defs[fn]++
      def[fn] = NR
    }
    /cmocka_unit_test[a-z_]*\(/ {
      r = $0
      sub(/.*cmocka_unit_test[a-z_]*\([ \t]*/, "", r)
      sub(/[^A-Za-z0-9_].*/, "", r)
      reg[r] = 1
    }
    END {
      for (fn in defs) {
        out = ""
        for (i = def[fn] - 1; i >= 1 && def[fn] - i <= win && is_comment(text[i]); i--)
          if (text[i] ~ /RFC9293:/) out = out labels(text[i])
        printf "%s\t%d\t%d\t%s \n", fn, defs[fn], (fn in reg) ? 1 : 0, out
      }
    }' "$root/$file")
}

# The labels of the "// ... RFC9293:" line comments of packetdrill script $1, blank-separated.
script_tags() {
  awk "$AWK_TAGS"'
    /^[ \t]*\/\/.*RFC9293:/ { out = out labels($0) }
    END { print out " " }' "$1"
}

# 2-4. Status and tests, row by row.
kinds="MUST SHLD MAY REC"
declare -A count # kind,status -> rows; status keys: done partly notyet na
for k in $kinds all; do for s in "done" partly notyet na; do count[$k,$s]=0; done; done
checked=0
declare -A listed # "label file:function" -> 1, for check 5
while IFS=$'\t' read -r _ line label status tests; do
  [ -n "${label:-}" ] || continue
  kind=${label%%-*}
  case "$status" in
    done | partly | "not yet" | n/a) ;;
    *) err "$matrix_rel:$line: $label has status '$status', not one of: done, partly, not yet, n/a"; continue ;;
  esac
  key=${status// /}
  key=${key//\//}
  count[$kind,$key]=$((${count[$kind,$key]} + 1))
  count[all,$key]=$((${count[all,$key]} + 1))
  n=0
  IFS=',' read -ra entries <<< "$tests"
  for entry in "${entries[@]}"; do
    entry=${entry//\`/}
    entry=${entry#"${entry%%[![:space:]]*}"}
    entry=${entry%"${entry##*[![:space:]]}"}
    case "$entry" in "" | "—" | "-") continue ;; esac
    n=$((n + 1))
    checked=$((checked + 1))
    case "$entry" in
      *.pkt)
        if [ ! -f "$root/$entry" ]; then
          err "$matrix_rel:$line: $label lists $entry, which does not exist"
        elif [[ $(script_tags "$root/$entry") != *" $label "* ]]; then
          err "$entry: no '// RFC9293: $label' comment, but $matrix_rel:$line lists the script under $label"
        fi
        ;;
      *.c:*)
        file=${entry%%:*}
        fn=${entry#*:}
        listed["$label $file:$fn"]=1
        if [[ ! $fn =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
          err "$matrix_rel:$line: $label lists '$entry': '$fn' is not a function name"
        elif [ ! -f "$root/$file" ]; then
          err "$matrix_rel:$line: $label lists $entry, but $file does not exist"
        else
          index_file "$file"
          key=$file:$fn
          if [ -z "${fn_defs[$key]:-}" ]; then
            err "$matrix_rel:$line: $label lists $entry, but $file defines no function $fn"
          elif [ "${fn_defs[$key]}" -gt 1 ]; then
            err "$file: $fn is defined more than once"
          else
            if [ "${fn_reg[$key]}" != 1 ]; then
              err "$file: $fn is not registered with cmocka (cmocka_unit_test($fn)), so it never runs"
            fi
            if [[ ${fn_tags[$key]} != *" $label "* ]]; then
              err "$file: $fn has no '/* RFC9293: $label */' directly above it, but $matrix_rel:$line lists it under $label"
            fi
          fi
        fi
        ;;
      *) err "$matrix_rel:$line: $label: test '$entry' is neither path/file.c:function nor path/script.pkt" ;;
    esac
  done
  if [ "$status" = "done" ] && [ "$n" -eq 0 ]; then
    err "$matrix_rel:$line: $label is done but lists no test"
  fi
done <<< "$rows"

# 3. The summary.
for k in $kinds all; do
  srow=$(printf '%s\n' "$parsed" | awk -F'\t' -v k="$k" '$1 == "S" && $3 == k')
  if [ -z "$srow" ]; then
    err "$matrix_rel: the summary has no row '$k'"
    continue
  fi
  IFS=$'\t' read -r _ line _ d p y a t <<< "$srow"
  want_d=${count[$k,done]} want_p=${count[$k,partly]} want_y=${count[$k,notyet]} want_a=${count[$k,na]}
  want_t=$((want_d + want_p + want_y + want_a))
  if [ "$d $p $y $a $t" != "$want_d $want_p $want_y $want_a $want_t" ]; then
    err "$matrix_rel:$line: summary row $k says $d done, $p partly, $y not yet, $a n/a, $t total; the rows say $want_d, $want_p, $want_y, $want_a, $want_t"
  fi
done

# 5. Every tag in the C tests belongs to a function that the matrix lists under each of its labels.
for dir in tests/unit tests/fsm tests/sim; do
  [ -d "$root/$dir" ] || continue
  for path in "$root/$dir"/*.c; do
    [ -f "$path" ] || continue
    file=$dir/${path##*/}
    # "line<TAB>function<TAB>labels" for each tag line; function empty when no definition follows
    # it within the run of comment lines.
    while IFS=$'\t' read -r tline fn tagged; do
      if [ -z "$fn" ]; then
        err "$file:$tline: RFC9293 tag not directly above a function definition"
        continue
      fi
      for label in $tagged; do
        if [ -z "${listed["$label $file:$fn"]:-}" ]; then
          err "$file:$tline: $fn is tagged $label, but $matrix_rel does not list $file:$fn under $label"
        fi
      done
    done < <(awk -v win="$TAG_WINDOW" "$AWK_TAGS"'
      { text[NR] = $0 }
      END {
        for (i = 1; i <= NR; i++) {
          if (text[i] !~ /RFC9293:/) continue
          fn = ""
          for (j = i + 1; j <= NR && j - i <= win; j++) {
            if (text[j] ~ /^[ \t]*(static[ \t]+)?void[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/) {
              fn = text[j]
              sub(/^[ \t]*(static[ \t]+)?void[ \t]+/, "", fn)
              sub(/[ \t]*\(.*/, "", fn)
              break
            }
            if (!is_comment(text[j])) break
          }
          printf "%d\t%s\t%s\n", i, fn, labels(text[i])
        }
      }' "$path")
  done
done

if [ "$errors" -gt 0 ]; then
  echo "compliance: $errors problem(s) in $matrix_rel or the tests it names" >&2
  exit 1
fi
echo "ok: 119 requirements (${count[all,done]} done, ${count[all,partly]} partly," \
  "${count[all,notyet]} not yet, ${count[all,na]} n/a); $checked test references checked"
