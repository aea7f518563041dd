// A throwaway certificate authority for the deployment tier, made with
// Debian's `openssl` in a temp dir: one CA, and one leaf per host name
// (P-256 keys, valid two days, subjectAltName = the name, or the
// address for a dotted IPv4 one). The browser
// trusts exactly these leaves with --ignore-certificate-errors-spki-list
// (their SPKI hashes), never with the blanket --ignore-certificate-errors.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const openssl = (args, input) => execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

// base64 sha256 of the certificate's DER SubjectPublicKeyInfo: what
// Chromium's --ignore-certificate-errors-spki-list takes.
export function spkiHash(certFile) {
  const publicKey = openssl(['x509', '-in', certFile, '-pubkey', '-noout']);
  const der = openssl(['pkey', '-pubin', '-outform', 'der'], publicKey);
  return openssl(['dgst', '-sha256', '-binary'], der).toString('base64');
}

// Makes the CA and a leaf for each of `names` in `dir`. Returns
// { caCert, leaves: {name: {cert, key, pem, spki}}, spkiList }: `cert` is the
// leaf followed by the CA (the chain a server sends), `pem` the chain then
// the key (HAProxy's crt file).
export function makeCertificates(dir, names) {
  const caKey = path.join(dir, 'ca.key');
  const caCert = path.join(dir, 'ca.crt');
  openssl(['req', '-x509', ...EC, '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', '/CN=Natter test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const leaves = {};
  for (const name of names) {
    const base = path.join(dir, name);
    openssl(['req', ...EC, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${name}`]);
    const altName = /^\d+\.\d+\.\d+\.\d+$/.test(name) ? `IP:${name}` : `DNS:${name}`;
    writeFileSync(`${base}.ext`, `subjectAltName=${altName}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
    openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial',
      '-days', '2', '-sha256', '-extfile', `${base}.ext`, '-out', `${base}.leaf.crt`]);
    const chain = readFileSync(`${base}.leaf.crt`, 'utf8') + readFileSync(caCert, 'utf8');
    writeFileSync(`${base}.crt`, chain);
    writeFileSync(`${base}.pem`, chain + readFileSync(`${base}.key`, 'utf8'));
    leaves[name] = { cert: `${base}.crt`, key: `${base}.key`, pem: `${base}.pem`, spki: spkiHash(`${base}.leaf.crt`) };
  }
  return { caCert, leaves, spkiList: Object.values(leaves).map((l) => l.spki) };
}
