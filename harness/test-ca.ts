/**
 * A certificate authority made at test time, for the https stand-in: the
 * action trusts it through NODE_EXTRA_CA_CERTS, as a runner behind a
 * corporate proxy trusts its company's CA. Keys exist only in memory and in
 * the test's temporary directory; none is committed.
 */
import { constants, generateKeyPairSync, privateEncrypt, randomBytes } from 'node:crypto'
import forge from 'node-forge'

export interface IssuedCertificate {
  /** PEM private key and certificate, as node:https's `key` and `cert` take them. */
  key: string
  cert: string
}

const DAY_MS = 86_400_000

/**
 * node:crypto makes the key and signs (forge's pure-JS RSA takes seconds, in Jest's sandbox more
 * than two a signature); forge lays out the certificates. `signer` is what forge's cert.sign calls:
 * an RSASSA-PKCS1-v1_5 signature of the SHA-256 digest forge computed, as forge's own key would make.
 */
function newKeyPair(): { privateKey: string; publicKey: forge.pki.rsa.PublicKey; signer: forge.pki.rsa.PrivateKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' }
  })
  const sign = (md: forge.md.MessageDigest) =>
    privateEncrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')])
    ).toString('binary')
  return { privateKey, publicKey: forge.pki.publicKeyFromPem(publicKey), signer: { sign } as forge.pki.rsa.PrivateKey }
}

/** The DER prefix of a PKCS#1 DigestInfo for SHA-256, before the 32 bytes of the digest. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex')

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
  readonly #signer: forge.pki.rsa.PrivateKey
  readonly #cert: forge.pki.Certificate

  private constructor() {
    const { publicKey, signer } = newKeyPair()
    const cert = newCertificate(publicKey, 'cortex-secrets-action test CA')
    cert.setIssuer(cert.subject.attributes)
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' }
    ])
    cert.sign(signer, forge.md.sha256.create())
    this.#signer = signer
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
    cert.sign(this.#signer, forge.md.sha256.create())
    return { key: privateKey, cert: forge.pki.certificateToPem(cert) }
  }
}
