# test_layers.sh - the layout rules of DESIGN.md and STYLE.md that a
# compiler does not check:
#   - each layer includes only the public headers of the layers below it
#     (the "depends on" column, taken transitively), and public headers
#     follow the same rule;
#   - nothing below app knows about curses, prints to a terminal or exits;
#   - no file in src/app is over 1,000 lines and no function there over 80
#     (tables are data, not functions, and are not counted).
. tests/lib.sh

# module header -> layer
layer_of() {
    case "$1" in
    core.h | blas.h | kernels.h) echo core ;;
    safetensors.h | jsonl.h | npy.h) echo io ;;
    tokenizer.h | words.h) echo text ;;
    t5.h) echo model ;;
    metrics.h) echo eval ;;
    lab.h | soft.h | optim.h | tune.h | objective.h | trainer.h) echo prompt ;;
    study.h) echo study ;;
    world.h) echo world ;;
    widgets.h) echo app ;;
    *) echo unknown ;;
    esac
}
# layer -> the layers it may include (itself and everything below it)
allowed() {
    case "$1" in
    core) echo "core" ;;
    io) echo "core io" ;;
    text) echo "core io text" ;;
    model) echo "core io model" ;;
    eval) echo "core eval" ;;
    prompt) echo "core io text model eval prompt" ;;
    study) echo "core io text model eval prompt study" ;;
    world) echo "core io world" ;;
    app) echo "core io text model eval prompt study world app" ;;
    esac
}

check_file() { # FILE LAYER
    for h in $(sed -n 's/^#include "promptlab\/\([a-z_0-9]*\.h\)".*/\1/p' "$1"); do
        l=$(layer_of "$h")
        case " $(allowed "$2") " in
        *" $l "*) ok ;;
        *) bad "$1 (layer $2) includes $h (layer $l)" ;;
        esac
    done
}

for dir in src/*/; do
    layer=$(basename "$dir")
    for f in "$dir"*.c "$dir"*.h; do
        [ -e "$f" ] && check_file "$f" "$layer"
    done
done
for f in include/promptlab/*.h; do
    check_file "$f" "$(layer_of "$(basename "$f")")"
done

# below app: no curses, no terminal output, no exit
below=$(ls src/*/*.c src/*/*.h | grep -v '^src/app/')
hits=$(grep -n -E 'curses\.h|[^a-z_](printf|puts|putchar|perror|exit|abort)\(|std(out|err)' $below | grep -v -E 'snprintf|pl_str_' || true)
[ -z "$hits" ] && ok || bad "library code prints, exits or knows curses: $hits"

# src/app: files of at most 1,000 lines, functions of at most 80
for f in src/app/*.c; do
    n=$(wc -l <"$f")
    [ "$n" -le 1000 ] && ok || bad "$f has $n lines (at most 1000)"
done
long=$(awk '
    /^[A-Za-z_].*\(/ && !/;[ \t]*$/ && !/^typedef/ { name = $0; start = FNR; infn = 1; next }
    infn && /^}/ { if (FNR - start + 1 > 80) printf "%s:%d (%d lines) ", FILENAME, start, FNR - start + 1; infn = 0 }
' src/app/*.c)
[ -z "$long" ] && ok || bad "functions over 80 lines: $long"
finish
