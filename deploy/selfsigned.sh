#!/bin/sh
# A small certificate authority and a server certificate for Krafte on the workshop's
# network, for the live camera and app installation over HTTPS without a public name.
#
#   deploy/selfsigned.sh 192.168.1.20 [krafte.local]
#
# Writes instance/tls/ (not committed): ca.crt (install it on each phone, once),
# server.crt and server.key (for gunicorn, nginx or Caddy). Run it again to renew the
# server certificate: the authority is kept, so phones keep trusting it.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 <server IP> [host name]" >&2; exit 2; }
ip=$1
name=${2:-krafte.local}
dir=$(dirname "$0")/../instance/tls
mkdir -p "$dir"
cd "$dir"
umask 077
if [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt \
    -subj "/CN=Krafte workshop CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=$name"
printf 'subjectAltName=IP:%s,DNS:%s,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
  "$ip" "$name" > server.ext
# 825 days: the longest validity Apple devices accept for a server certificate
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
  -extfile server.ext -out server.crt
rm -f server.csr server.ext
chmod 644 ca.crt server.crt
echo "written to $(pwd): ca.crt (for the phones), server.crt, server.key"
