# Sourced by the LDAP start scripts (never run on its own): a throw-away
# certificate authority under $RUN_DIR/ca, made once and reused while valid, so
# that the servers can present certificates the tests verify strictly.
#
#   test_ca_ensure                     -> $RUN_DIR/ca/ca.pem (+ ca.key)
#   test_ca_issue NAME SAN             -> $RUN_DIR/ca/NAME.pem and NAME.key
#                                         (SAN in openssl form: "IP:127.0.0.1,DNS:localhost")

TEST_CA_DIR="$RUN_DIR/ca"

test_ca_ensure() {
  mkdir -p "$TEST_CA_DIR"
  chmod 700 "$TEST_CA_DIR"
  if [ -s "$TEST_CA_DIR/ca.pem" ] && openssl x509 -checkend 604800 -noout -in "$TEST_CA_DIR/ca.pem" >/dev/null 2>&1; then
    return 0
  fi
  rm -f "$TEST_CA_DIR"/*.pem "$TEST_CA_DIR"/*.key
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -sha256 \
    -keyout "$TEST_CA_DIR/ca.key" -out "$TEST_CA_DIR/ca.pem" \
    -subj "/O=Entrada tests/CN=Entrada Test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1
}

test_ca_issue() {
  local name=$1 san=$2
  local crt="$TEST_CA_DIR/$name.pem" key="$TEST_CA_DIR/$name.key"
  # Reuse while it is valid and was issued by the current CA with the same names.
  if [ -s "$crt" ] && [ -s "$key" ] && [ "$(cat "$TEST_CA_DIR/$name.san" 2>/dev/null)" = "$san" ] \
     && openssl verify -CAfile "$TEST_CA_DIR/ca.pem" "$crt" >/dev/null 2>&1 \
     && openssl x509 -checkend 604800 -noout -in "$crt" >/dev/null 2>&1; then
    return 0
  fi
  openssl req -new -newkey rsa:2048 -nodes -keyout "$key" -out "$TEST_CA_DIR/$name.csr" \
    -subj "/O=Entrada tests/CN=$name" >/dev/null 2>&1
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' "$san" \
    > "$TEST_CA_DIR/$name.ext"
  openssl x509 -req -in "$TEST_CA_DIR/$name.csr" -CA "$TEST_CA_DIR/ca.pem" -CAkey "$TEST_CA_DIR/ca.key" \
    -CAcreateserial -days 365 -sha256 -extfile "$TEST_CA_DIR/$name.ext" -out "$crt" >/dev/null 2>&1
  chmod 600 "$key"
  printf '%s' "$san" > "$TEST_CA_DIR/$name.san"
  rm -f "$TEST_CA_DIR/$name.csr" "$TEST_CA_DIR/$name.ext"
}
