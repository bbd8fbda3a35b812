/** Values that break naive handling: each must arrive in Cortex byte for byte. */
export const TRICKY_VALUES: Record<string, string> = {
  tls_key:
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nq7n1Xb0JcDqQ4Y2mZ8uX3kLwR5tPz9aHc2VvN0e4QWx1\n-----END PRIVATE KEY-----\n',
  crlf_value: 'first-line-4f9a\r\nsecond-line-8c1d\r\n',
  unicode_value: 'pässwörd-🔑-密码-e3b1',
  padded_value: '  padded-value-71c2  ',
  hash_value: 'abc #not-a-comment-5d2e',
  quoted_value: `"double" and 'single' quotes-9f3a`,
  colon_value: 'looks: like-yaml-0b7e',
  yaml_typed: '007'
}
