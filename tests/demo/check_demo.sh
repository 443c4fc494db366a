#!/usr/bin/env bash
# Check one `synack demo` scenario against an expectation file.
#
#   check_demo.sh SYNACK SCENARIO EXPECT_FILE
#
# The scenario runs twice in each format (the output must not change: the clock is virtual and
# the seed fixed). Each JSON line becomes a short signature, for example
#   client state SYN-SENT -> ESTABLISHED
#   client out FIN,ACK seq=6 ack=9            (ack only with ACK; len only when > 0)
#   client out SYN seq=0 lost                 (" lost": dropped by the link; " rexmit": resent)
#   server in RST,ACK seq=0 ack=1             (a segment that arrived)
#   client error ECONNREFUSED | server drop no_conn | server rst_sent abort
#   client retransmit seq=1 | client call recv = 5 "hello" | client call connect = -ECONNREFUSED
# and each line of EXPECT_FILE ("# ..." and blank lines skipped) is a glob pattern with optional
# leading tokens:
#   PATTERN        the next signature after the previous match matches (the match moves on)
#   ~ PATTERN      a signature at the same time as the previous match matches, in any order
#   =NAME          remember the time of this match as NAME
#   @+MS, @NAME+MS the match is exactly MS ms after the previous match (or after NAME);
#                  @+A..B: between A and B ms after it
#   {N} PATTERN    exactly N signatures match (anywhere)
#   ! PATTERN      no signature matches
#   J              match the JSON line itself instead of its signature
#   T PATTERN      some line of the text output (the ladder and its summary) matches;
#                  ! T PATTERN: none does
# A segment without ACK must have "ack":null, one with ACK a number. The text output must be
# plain ASCII, no line over 100 columns, with as many arrows, lost arrows, retransmissions and
# state notes as the JSON has segments, losses, retransmissions and state changes.
set -u
synack=$1 scenario=$2 expect=$3
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

json=$("$synack" demo --scenario "$scenario" --format json) || { echo "FAIL: exit $?"; exit 1; }
text=$("$synack" demo --scenario "$scenario") || { echo "FAIL: text exit $?"; exit 1; }
[[ $json == "$("$synack" demo --scenario "$scenario" --format json)" ]] || fail "json not reproducible"
[[ $text == "$("$synack" demo --scenario "$scenario")" ]] || fail "text not reproducible"

# field LINE KEY: REPLY = the value of KEY (strings without their quotes, escapes kept).
field() {
    local re="\"$2\":(\"([^\"\\\\]|\\\\.)*\"|[^,}]*)"
    REPLY=""
    if [[ $1 =~ $re ]]; then
        REPLY=${BASH_REMATCH[1]}
        REPLY=${REPLY#\"}
        REPLY=${REPLY%\"}
    fi
}

segment_sig() { # LINE: SIG = "FLAGS seq=S[ ack=A][ len=L]"
    local flags
    field "$1" flags && flags=$REPLY
    field "$1" seq && SIG="$flags seq=$REPLY"
    field "$1" ack && [[ ,$flags, == *,ACK,* ]] && SIG+=" ack=$REPLY"
    field "$1" len && [[ $REPLY != 0 ]] && SIG+=" len=$REPLY"
    return 0
}

call_sig() { # LINE: SIG = "call NAME = RESULT[ "DATA"]"
    field "$1" call && SIG="call $REPLY = "
    field "$1" result
    if [[ $REPLY == -* ]]; then field "$1" errno && SIG+="-$REPLY"; else SIG+=$REPLY; fi
    field "$1" data && [[ -n $REPLY ]] && SIG+=" \"$REPLY\""
    return 0
}

signature() { # LINE: SIG
    local type side
    field "$1" type && type=$REPLY
    field "$1" side && side=$REPLY
    case $type in
    state)
        field "$1" old && SIG="$side state $REPLY -> "
        field "$1" new && SIG+=$REPLY
        ;;
    segment_out)
        segment_sig "$1" && SIG="$side out $SIG"
        field "$1" lost && [[ $REPLY == true ]] && SIG+=" lost"
        field "$1" retransmission && [[ $REPLY == true ]] && SIG+=" rexmit"
        ;;
    segment_in) segment_sig "$1" && SIG="$side in $SIG" ;;
    error) field "$1" errno && SIG="$side error $REPLY" ;;
    drop | rst_sent) field "$1" reason && SIG="$side $type $REPLY" ;;
    retransmit) field "$1" seq && SIG="$side retransmit seq=$REPLY" ;;
    call) call_sig "$1" && SIG="$side $SIG" ;;
    *) SIG="$side $type" ;;
    esac
}

sigs=() times=() raws=()
while IFS= read -r line; do
    [[ $line == \{*\} ]] || fail "not a JSON object: $line"
    field "$line" type
    [[ $REPLY == scenario ]] && continue
    raws+=("$line")
    signature "$line"
    sigs+=("$SIG")
    field "$line" time_us
    times+=("$REPLY")
done <<<"$json"
if command -v python3 >/dev/null; then
    python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' <<<"$json" ||
        fail "output is not valid JSON lines"
fi

subject() { # INDEX: REPLY = the signature, or the JSON line with J
    if [[ $use_json == 1 ]]; then REPLY=${raws[$1]}; else REPLY=${sigs[$1]}; fi
}

count_matches() { # PATTERN: COUNT = how many subjects match
    local i
    COUNT=0
    for ((i = 0; i < ${#sigs[@]}; i++)); do
        subject $i
        # shellcheck disable=SC2053
        [[ $REPLY == $1 ]] && COUNT=$((COUNT + 1))
    done
    return 0
}

declare -A marks
cursor=0 prev_time=0 use_json=0

# check_time INDEX SPEC: SPEC is "@+D", "@+A..B", "@NAME+D" or "@NAME+A..B" (milliseconds).
check_time() {
    local spec=${2#@} base lo hi delta
    local name=${spec%%+*} range=${spec#*+}
    if [[ -n $name ]]; then
        [[ -n ${marks[$name]+x} ]] || { fail "no mark named '$name'"; return; }
        base=${marks[$name]}
    else
        base=$prev_time
    fi
    lo=${range%..*} hi=${range#*..}
    delta=$((${times[$1]} - base))
    if ((delta < lo * 1000 || delta > hi * 1000)); then
        fail "'${sigs[$1]}' came $((delta / 1000)).$((delta % 1000 / 100)) ms after" \
            "${name:-the previous match}, expected $range ms"
    fi
}

found() { # INDEX MARK AT
    [[ -n $3 ]] && check_time "$1" "$3"
    prev_time=${times[$1]}
    [[ -n $2 ]] && marks[$2]=$prev_time
    return 0
}

expect_line() {
    local mark="" at="" same=0 count="" neg=0 textmode=0 pattern=$1 i
    use_json=0
    while :; do
        case ${pattern%% *} in
        =*) mark=${pattern%% *} mark=${mark#=} ;;
        @*) at=${pattern%% *} ;;
        '~') same=1 ;;
        '!') neg=1 ;;
        J) use_json=1 ;;
        T) textmode=1 ;;
        \{*\}) count=${pattern%% *} count=${count#\{} count=${count%\}} ;;
        *) break ;;
        esac
        pattern=${pattern#* }
    done
    if ((textmode)); then
        while IFS= read -r line; do
            # shellcheck disable=SC2053
            if [[ $line == $pattern ]]; then
                ((neg)) && fail "a text line matches, none should: $pattern"
                return
            fi
        done <<<"$text"
        ((neg)) || fail "no text line matches: $pattern"
    elif ((neg)); then
        count_matches "$pattern"
        ((COUNT == 0)) || fail "$COUNT signatures match, none should: $pattern"
    elif [[ -n $count ]]; then
        count_matches "$pattern"
        ((COUNT == count)) || fail "$COUNT signatures match, expected $count: $pattern"
    elif ((same)); then
        for ((i = 0; i < ${#sigs[@]}; i++)); do
            subject $i
            # shellcheck disable=SC2053
            [[ ${times[$i]} == "$prev_time" && $REPLY == $pattern ]] &&
                { found $i "$mark" "$at"; return; }
        done
        fail "nothing at $((prev_time / 1000)) ms matches: $pattern"
    else
        for ((i = cursor; i < ${#sigs[@]}; i++)); do
            subject $i
            # shellcheck disable=SC2053
            if [[ $REPLY == $pattern ]]; then
                found $i "$mark" "$at"
                cursor=$((i + 1))
                return
            fi
        done
        fail "no signature after #$cursor matches: $pattern"
    fi
}

while IFS= read -r line || [[ -n $line ]]; do
    [[ -z ${line// /} || $line == \#* ]] && continue
    expect_line "$line"
done <"$expect"

# Every segment: without ACK its ack is null (the field means nothing); with ACK a number.
for ((i = 0; i < ${#raws[@]}; i++)); do
    [[ ${raws[$i]} == *'"type":"segment_'* || ${raws[$i]} == *'"type":"rst_sent"'* ]] || continue
    field "${raws[$i]}" flags
    if [[ ,$REPLY, == *,ACK,* ]]; then
        [[ ${raws[$i]} == *'"ack":'[0-9]* ]] || fail "ACK segment without a numeric ack: ${raws[$i]}"
    else
        [[ ${raws[$i]} == *'"ack":null,'* ]] || fail "segment without ACK has an ack: ${raws[$i]}"
    fi
done

# The text agrees with the JSON, and fits.
ladder=$(awk 'substr($0, 41, 1) == "|"' <<<"$text")
agree() { # WHAT TEXT_COUNT JSON_PATTERN
    use_json=0
    count_matches "$3"
    [[ $2 == "$COUNT" ]] || fail "the ladder has $2 $1, the JSON $COUNT"
}
agree arrows "$(grep -c -- '-----' <<<"$ladder")" '* out *'
agree "lost arrows" "$(grep -c 'X lost' <<<"$ladder")" '* out * lost*'
agree retransmissions "$(grep -c ' retransmission -' <<<"$ladder")" '* out * rexmit'
agree "state notes" "$(grep -cE '[A-Z][A-Z0-9-]* -> [A-Z]' <<<"$ladder")" '* state *'
long=$(awk 'length > 100' <<<"$text")
[[ -z $long ]] || fail "lines over 100 columns: $long"
if LC_ALL=C grep -n '[^ -~]' <<<"$text" >/dev/null; then
    fail "text output is not plain printable ASCII"
fi

if ((failures)); then
    echo "--- signatures of '$scenario' (ms, index, signature):"
    for ((i = 0; i < ${#sigs[@]}; i++)); do
        printf '%9s  #%-3d %s\n' "$((times[i] / 1000)).$((times[i] % 1000 / 100))" $i "${sigs[$i]}"
    done
    echo "--- $failures check(s) failed"
    exit 1
fi
echo "ok: $scenario (${#sigs[@]} events)"
