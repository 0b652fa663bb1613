; Inno Setup script: a Windows installer for the folder packaging/build.py makes (dist\annotator).
; Written and reviewed, NOT run here (no Windows machine): build it on Windows with
;   iscc /DAppVersion=0.1.0 packaging\windows\annotator.iss
; It installs per user (no administrator rights), adds a Start-menu entry and registers .annotator and
; .package files to open with annotator (HKCU\Software\Classes), removed again by the uninstaller.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6F1B3C2E-6C55-4C1E-9D0B-5A6E2D3F7A10}
AppName=annotator
AppVersion={#AppVersion}
AppPublisher=annotator
DefaultDirName={localappdata}\Programs\annotator
DefaultGroupName=annotator
PrivilegesRequired=lowest
ChangesAssociations=yes
OutputDir=..\..\dist
OutputBaseFilename=annotator-{#AppVersion}-windows-setup
SetupIconFile=..\..\build\icon\annotator.ico
UninstallDisplayIcon={app}\annotator.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\dist\annotator\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\annotator"; Filename: "{app}\annotator.exe"
Name: "{userdesktop}\annotator"; Filename: "{app}\annotator.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "A desktop icon"; Flags: unchecked

[Registry]
Root: HKCU; Subkey: "Software\Classes\.annotator"; ValueType: string; ValueName: ""; ValueData: "annotator.project"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\annotator.project"; ValueType: string; ValueName: ""; ValueData: "annotator project"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\annotator.project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\annotator.exe,0"
Root: HKCU; Subkey: "Software\Classes\annotator.project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\annotator.exe"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\.package"; ValueType: string; ValueName: ""; ValueData: "annotator.package"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\annotator.package"; ValueType: string; ValueName: ""; ValueData: "annotator work package"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\annotator.package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\annotator.exe,0"
Root: HKCU; Subkey: "Software\Classes\annotator.package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\annotator.exe"" ""%1"""

[Run]
Filename: "{app}\annotator.exe"; Description: "Start annotator"; Flags: nowait postinstall skipifsilent
