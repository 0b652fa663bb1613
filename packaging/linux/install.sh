#!/bin/sh
# Install this annotator folder for the current user: the `annotator` command in ~/.local/bin, the menu
# entry, the icon and the .annotator / .package file types. Nothing outside your home folder is touched;
# run it again after moving the folder. Uninstall: ./install.sh --remove
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
if [ "${1:-}" = "--remove" ]; then
  rm -f "$bin/annotator" "$data/applications/annotator.desktop" "$data/mime/packages/annotator-mime.xml" \
        "$data/icons/hicolor/256x256/apps/annotator.png"
  command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
  echo "annotator's menu entry, file types and command removed (this folder is left as it is)"
  exit 0
fi
mkdir -p "$bin" "$data/applications" "$data/mime/packages" "$data/icons/hicolor/256x256/apps"
ln -sf "$here/annotator" "$bin/annotator"
sed "s|^Exec=annotator|Exec=$here/annotator|" "$here/share/annotator.desktop" > "$data/applications/annotator.desktop"
cp "$here/share/annotator-mime.xml" "$data/mime/packages/annotator-mime.xml"
cp "$here/share/annotator.png" "$data/icons/hicolor/256x256/apps/annotator.png"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "installed: $bin/annotator, the menu entry and the .annotator/.package file types"
