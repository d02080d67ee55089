#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The system bus policy (dbus/org.example.MultisessionSequential.conf) on a private dbus-daemon that runs
# with system bus rules: default deny like /usr/share/dbus-1/system.conf, and an <includedir> that holds only
# our policy. policy-owner stands in for the daemon as root; clients run as root and as nobody (setpriv).
#
#   test-bus-policy.sh POLICY-OWNER POLICY-CONF
#
# Clients: busctl (sd-bus) for what must work; gdbus (GDBus) for what must be refused, because it prints the
# bus's error message, which tells a policy refusal from one by the owner. Needs root (to own the name and
# to switch to nobody), dbus-daemon, setpriv, busctl and gdbus; without them the TAP plan is "1..0 # SKIP"
# (exit 0: meson's TAP runner reads the skip from the plan and would count 77 as an error).

set -u

owner=${1:?policy-owner binary}
policy=${2:?policy file}

skip() {
        echo "1..0 # SKIP $*"
        exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root (owning the name, switching to nobody)"
for p in dbus-daemon setpriv busctl gdbus; do
        command -v "$p" >/dev/null 2>&1 || skip "$p not found"
done
id nobody >/dev/null 2>&1 || skip "no user nobody"
if getent group nogroup >/dev/null 2>&1; then
        nobody_group=nogroup
elif getent group nobody >/dev/null 2>&1; then
        nobody_group=nobody
else
        skip "no group nogroup or nobody"
fi

tmp=$(mktemp -d)
bus_pid=
owner_pid=
cleanup() {
        [ -n "$owner_pid" ] && kill "$owner_pid" 2>/dev/null
        [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT

# nobody must reach the socket, and the programs it runs.
chmod 0755 "$tmp"
mkdir "$tmp/system.d"
cp "$policy" "$tmp/system.d/"

cat >"$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$tmp/socket</listen>
  <auth>EXTERNAL</auth>
  <!-- The default context of /usr/share/dbus-1/system.conf. -->
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
  </policy>
  <includedir>$tmp/system.d</includedir>
</busconfig>
EOF

dbus-daemon --config-file="$tmp/bus.conf" --fork --nosyslog \
        --print-address=3 --print-pid=4 3>"$tmp/address" 4>"$tmp/pid" || {
        echo "Bail out! dbus-daemon did not start"
        exit 1
}
bus_pid=$(head -n1 "$tmp/pid")
address=$(head -n1 "$tmp/address")
chmod 0666 "$tmp/socket" 2>/dev/null

as_nobody() {
        setpriv --reuid=nobody --regid="$nobody_group" --clear-groups -- "$@"
}

n=0
failed=0
ok() {
        n=$((n + 1))
        echo "ok $n - $1"
}
not_ok() {
        n=$((n + 1))
        failed=1
        echo "not ok $n - $1"
        shift
        printf '%s\n' "$@" | sed 's/^/# /'
}

# expect_ok DESCRIPTION COMMAND...: the call must succeed.
expect_ok() {
        local desc=$1 out
        shift
        if out=$("$@" 2>&1); then
                ok "$desc"
        else
                not_ok "$desc" "$out"
        fi
}

# expect_denied DESCRIPTION COMMAND...: the bus itself must refuse the message (dbus-daemon's AccessDenied
# says "Rejected send message" or "not allowed to own"); a refusal by the owner would not prove the policy.
expect_denied() {
        local desc=$1 out
        shift
        if out=$("$@" 2>&1); then
                not_ok "$desc (it succeeded)" "$out"
        elif printf '%s' "$out" | grep -q -e 'Rejected send message' -e 'not allowed to own'; then
                ok "$desc"
        else
                not_ok "$desc (failed, but not by the bus policy)" "$out"
        fi
}

name=org.example.MultisessionSequential
root=/org/example/MultisessionSequential
drive=$root/drive/sr0
bc=(busctl --address="$address")
gc=(gdbus call --address="$address" --dest="$name")

echo "1..17"

# Owning the name: nobody first (so that "already owned" cannot hide a policy hole), then root.
# gdbus, not policy-owner: nobody may lack access to the build directory.
expect_denied "nobody cannot own $name" \
        as_nobody gdbus call --address="$address" --dest=org.freedesktop.DBus --object-path=/org/freedesktop/DBus \
        --method=org.freedesktop.DBus.RequestName "$name" 4

"$owner" "$address" >"$tmp/owner.out" 2>&1 &
owner_pid=$!
for _ in $(seq 100); do
        grep -q READY "$tmp/owner.out" 2>/dev/null && break
        kill -0 "$owner_pid" 2>/dev/null || break
        sleep 0.1
done
if grep -q READY "$tmp/owner.out"; then
        ok "root owns $name"
else
        not_ok "root owns $name" "$(cat "$tmp/owner.out")"
        echo "Bail out! no owner"
        exit 1
fi

# What everybody may do.
expect_ok "nobody: Properties.Get Manager.Version" \
        as_nobody "${bc[@]}" get-property $name $root $name.Manager Version
expect_ok "nobody: Properties.GetAll Manager" \
        as_nobody "${bc[@]}" call $name $root org.freedesktop.DBus.Properties GetAll s $name.Manager
expect_ok "nobody: ObjectManager.GetManagedObjects" \
        as_nobody "${bc[@]}" call $name $root org.freedesktop.DBus.ObjectManager GetManagedObjects
expect_ok "nobody: Introspectable.Introspect" \
        as_nobody "${bc[@]}" introspect $name $drive
expect_ok "nobody: Peer.Ping" \
        as_nobody "${bc[@]}" call $name $root org.freedesktop.DBus.Peer Ping
expect_ok "nobody: GetMultisessionInfo()" \
        as_nobody "${bc[@]}" call $name $drive $name GetMultisessionInfo
expect_ok "nobody: Drive.Refresh()" \
        as_nobody "${bc[@]}" call $name $drive $name.Drive Refresh
expect_ok "nobody: Drive.Inhibit() reaches the daemon (polkit decides there)" \
        as_nobody "${bc[@]}" call $name $drive $name.Drive Inhibit ss policy-test test
expect_ok "nobody: get LogControl1.LogLevel" \
        as_nobody "${bc[@]}" get-property $name /org/freedesktop/LogControl1 org.freedesktop.LogControl1 LogLevel

# What only root may do. The owner lets anyone through, so each refusal is the bus policy's.
expect_denied "nobody: set LogControl1.LogLevel" \
        as_nobody "${gc[@]}" --object-path=/org/freedesktop/LogControl1 \
        --method=org.freedesktop.DBus.Properties.Set org.freedesktop.LogControl1 LogLevel "<'debug'>"
expect_denied "nobody: Properties.Set on our interfaces" \
        as_nobody "${gc[@]}" --object-path=$root \
        --method=org.freedesktop.DBus.Properties.Set $name.Manager Version "<'x'>"
expect_denied "nobody: an interface the policy does not name" \
        as_nobody "${gc[@]}" --object-path=$drive --method=org.example.PolicyTest.Private.Secret
expect_ok "root: set LogControl1.LogLevel" \
        "${bc[@]}" set-property $name /org/freedesktop/LogControl1 org.freedesktop.LogControl1 LogLevel s debug
if out=$("${bc[@]}" get-property $name /org/freedesktop/LogControl1 org.freedesktop.LogControl1 LogLevel 2>&1) &&
   [ "$out" = 's "debug"' ]; then
        ok "root: the new LogLevel reads back"
else
        not_ok "root: the new LogLevel reads back" "$out"
fi
expect_ok "root: an interface the policy does not name" \
        "${bc[@]}" call $name $drive org.example.PolicyTest.Private Secret

exit $failed
