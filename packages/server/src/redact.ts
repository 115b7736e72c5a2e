const SECRET_PARAM = /([?&;](?:password|passwd|pwd|pass|secret|token|api[_-]?key)=)[^&;#]*/gi;

/**
 * Text safe to log for a connection URL: the password in the userinfo, and `password=`-like query
 * parameters, become `***`. Works on text that is not a valid URL too, because a malformed URL in a
 * log line is exactly when an operator's password would otherwise leak; when unsure it redacts more.
 */
export function redactUrl(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  if (!scheme) return url.replace(SECRET_PARAM, '$1***');
  const prefix = scheme[0];
  const rest = url.slice(prefix.length);
  // Users paste passwords with unescaped '/', '@', '?' and '#': the userinfo ends at the LAST '@'
  // before the query, or, failing that, at the first '@' anywhere.
  const queryAt = rest.search(/[?#]/);
  const head = queryAt === -1 ? rest : rest.slice(0, queryAt);
  let at = head.lastIndexOf('@');
  if (at === -1) at = rest.indexOf('@');
  if (at === -1) return url.replace(SECRET_PARAM, '$1***');
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  const safeUserinfo = colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:***`;
  return `${prefix}${safeUserinfo}${rest.slice(at).replace(SECRET_PARAM, '$1***')}`;
}

const URL_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#:@]*:)[^\s@]*@/g;

/**
 * Free text (an error message, a log field) with any embedded `scheme://user:password@` password
 * and `password=`-like parameter replaced by `***`. Defence in depth for text we did not write,
 * such as a driver's error that echoes its connection string.
 */
export function redactText(text: string): string {
  if (!text.includes('://') && !/(password|passwd|pwd|pass|secret|token|api[_-]?key)=/i.test(text))
    return text;
  return text.replace(URL_USERINFO, '$1***@').replace(SECRET_PARAM, '$1***');
}
