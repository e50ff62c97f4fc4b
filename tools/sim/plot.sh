#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Plots a xenballoon-sim time series (-o CSV): one panel per guest with its
# need (base + anon + file working set), allocation, target and swapped
# memory, and a last panel with host free memory and the guests' total
# allocation.  Writes PREFIX.png and PREFIX.svg.  At most MAXG guests
# (default 12) are drawn, in the order they first appear.
#
#   tools/sim/plot.sh run.csv [PREFIX] [TITLE]
set -eu
csv=${1:?usage: plot.sh CSV [PREFIX] [TITLE]}
prefix=${2:-${csv%.csv}}
title=${3:-$(basename "$csv" .csv)}
maxg=${MAXG:-12}
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot not found" >&2; exit 1; }

names=$(awk -F, 'NR > 1 && $2 != "host" && !seen[$2]++ { print $2 }' "$csv" |
        head -n "$maxg" | tr '\n' ' ')
n=$(echo "$names" | wc -w)
rows=$((n + 1))
height=$((180 * rows + 60))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
script=$tmp/plot.gp
# One file per guest: gnuplot breaks a line at every filtered-out row.
awk -F, -v dir="$tmp" 'NR > 1 { print > (dir "/" $2 ".csv") }' "$csv"
{
    echo "set datafile separator ','"
    echo "set key outside right top font ',8'"
    echo "set grid"
    echo "set xlabel 'time (s)' font ',8'"
    echo "set ylabel 'MiB' font ',8'"
    echo "set tics font ',8'"
    echo "names = \"$names\""
    for term in png svg; do
        if [ "$term" = png ]; then
            echo "set terminal pngcairo size 1100,$height"
        else
            echo "set terminal svg size 1100,$height dynamic"
        fi
        echo "set output '$prefix.$term'"
        echo "set multiplot layout $rows,1 title '$title' font ',11'"
        echo "do for [i=1:words(names)] {"
        echo "  g = word(names, i)"
        echo "  set title g font ',9'"
        echo "  f = '$tmp/'.g.'.csv'"
        echo "  plot f using 1:3 with lines lw 1.5 title 'need', \\"
        echo "       f using 1:6 with lines lw 1.5 title 'allocation', \\"
        echo "       f using 1:7 with lines dt 2 title 'target', \\"
        echo "       f using 1:8 with lines lc rgb 'gray' title 'swapped'"
        echo "}"
        echo "set title 'host' font ',9'"
        echo "h = '$tmp/host.csv'"
        echo "plot h using 1:13 with lines lw 1.5 title 'host free', \\"
        echo "     h using 1:6 with lines title 'guests allocated', \\"
        echo "     h using 1:3 with lines dt 2 title 'guests need'"
        echo "unset multiplot"
    done
} >"$script"
gnuplot "$script"
echo "$prefix.png $prefix.svg"
