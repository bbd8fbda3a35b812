/**
 * A certificate authority made at test time, for the https stand-in: the
 * action trusts it through NODE_EXTRA_CA_CERTS, as a runner behind a
 * corporate proxy trusts its company's CA. Keys exist only in memory and in
 * the test's temporary directory; none is committed.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import forge from 'node-forge'

export interface IssuedCertificate {
  /** PEM private key and certificate, as node:https's `key` and `cert` take them. */
  key: string
  cert: string
}

const DAY_MS = 86_400_000

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  // node:crypto makes the key (forge's pure-JS generation takes seconds); forge signs the certificates.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' }
  })
  return { privateKey: forge.pki.privateKeyFromPem(privateKey), publicKey: forge.pki.publicKeyFromPem(publicKey) }
}

function newCertificate(publicKey: forge.pki.PublicKey, commonName: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = publicKey
  // A positive serial: the top bit of the first byte clear.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`
  cert.validity.notBefore = new Date(Date.now() - DAY_MS)
  cert.validity.notAfter = new Date(Date.now() + DAY_MS)
  cert.setSubject([{ name: 'commonName', value: commonName }])
  return cert
}

export class TestCertificateAuthority {
  /** The CA's certificate (PEM): the file NODE_EXTRA_CA_CERTS names holds this. */
  readonly certificatePem: string
  readonly #key: forge.pki.rsa.PrivateKey
  readonly #cert: forge.pki.Certificate

  private constructor() {
    const { privateKey, publicKey } = newKeyPair()
    const cert = newCertificate(publicKey, 'cortex-secrets-action test CA')
    cert.setIssuer(cert.subject.attributes)
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' }
    ])
    cert.sign(privateKey, forge.md.sha256.create())
    this.#key = privateKey
    this.#cert = cert
    this.certificatePem = forge.pki.certificateToPem(cert)
  }

  static create(): TestCertificateAuthority {
    return new TestCertificateAuthority()
  }

  /** A server certificate for these DNS names, signed by this CA. */
  issue(hostnames: readonly string[]): IssuedCertificate {
    const { privateKey, publicKey } = newKeyPair()
    const cert = newCertificate(publicKey, hostnames[0] ?? 'localhost')
    cert.setIssuer(this.#cert.subject.attributes)
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hostnames.map((value) => ({ type: 2, value })) },
      { name: 'authorityKeyIdentifier', keyIdentifier: this.#cert.generateSubjectKeyIdentifier().getBytes() }
    ])
    cert.sign(this.#key, forge.md.sha256.create())
    return { key: forge.pki.privateKeyToPem(privateKey), cert: forge.pki.certificateToPem(cert) }
  }
}
