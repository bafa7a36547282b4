#!/bin/sh
# /usr/bin/returns-desk: the bundle finds its libraries next to its own executable, so run it in place.
exec /opt/returns-desk/returns-desk "$@"
