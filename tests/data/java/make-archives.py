#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the Java archives test-java uses into the directory given.

Everything is built with Python's zipfile (not libarchive, which customs
reads them with):
  app.war     own pom; WEB-INF/lib/ with two jars that have pom.properties
              (one zip64, one stored), one with only a MANIFEST.MF, one with
              nothing but its file name, and one whose bytes are cut short
  app.ear     app.war inside an ear
  deep.jar    a jar nested in itself 12 times (r0 innermost)
  bomb.jar    a pom plus BOOT-INF/lib/huge.jar: 300 MiB of zeros
  special.jar an artifactId that needs CPE escaping
  liar.jar    a nested entry that inflates far beyond its declared size
"""
import io
import os
import sys
import zipfile

out = sys.argv[1]


def pom(group, artifact, version, comment=True):
    text = ""
    if comment:
        text += "#Created by Apache Maven 3.9.6\n"
    text += "groupId=%s\nartifactId=%s\nversion=%s\n" % (group, artifact, version)
    return text


def manifest(attrs):
    """Main section, lines wrapped at 72 bytes with a leading space, CRLF."""
    lines = []
    for k, v in attrs:
        line = "%s: %s" % (k, v)
        first = True
        while line:
            width = 72 if first else 71
            chunk, line = line[:width], line[width:]
            lines.append(chunk if first else " " + chunk)
            first = False
    return "\r\n".join(lines) + "\r\n\r\n" + "Name: org/example/\r\nImplementation-Title: not-main\r\n\r\n"


def jar(entries, compression=zipfile.ZIP_DEFLATED, zip64=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries:
            if isinstance(data, str):
                data = data.encode()
            if zip64:
                with z.open(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), "w", force_zip64=True) as f:
                    f.write(data)
            else:
                z.writestr(name, data)
    return buf.getvalue()


a = jar([("META-INF/MANIFEST.MF", manifest([("Manifest-Version", "1.0")])),
         ("META-INF/maven/org.example.alpha/alpha/pom.properties", pom("org.example.alpha", "alpha", "1.0")),
         ("org/example/alpha/A.class", b"\xca\xfe\xba\xbe")], zip64=True)
b = jar([("META-INF/MANIFEST.MF", manifest([("Manifest-Version", "1.0"),
                                            ("Bundle-License", "Apache-2.0;link=\"https://www.apache.org/licenses/LICENSE-2.0.txt\""),
                                            ("Implementation-Vendor", "The Beta Project")])),
         ("META-INF/maven/io.beta/beta-core/pom.properties", pom("io.beta", "beta-core", "2.0.1", False))],
        compression=zipfile.ZIP_STORED)
c = jar([("META-INF/MANIFEST.MF", manifest([
    ("Manifest-Version", "1.0"),
    ("Implementation-Title", "gamma-lib"),
    ("Implementation-Version", "3.1.4"),
    ("Implementation-Vendor", "Example Corp, a vendor name long enough to be continued on the next line"),
    ("Export-Package", "org.example.gamma;version=\"3.1.4\"," * 6 + "org.example.gamma.impl"),
    ("Bundle-SymbolicName", "org.example.gamma;singleton:=true"),
]))])
plain = jar([("readme.txt", "no metadata here\n")])
truncated = jar([("META-INF/maven/x/trunc/pom.properties", pom("x", "trunc", "9"))])
truncated = truncated[: len(truncated) // 2]

war = jar([("META-INF/MANIFEST.MF", manifest([("Manifest-Version", "1.0")])),
           ("META-INF/maven/com.example/app/pom.properties", pom("com.example", "app", "1.0.0")),
           ("WEB-INF/web.xml", "<web-app/>\n"),
           ("WEB-INF/lib/alpha-1.0.jar", a),
           ("WEB-INF/lib/beta-core-2.0.1.jar", b),
           ("WEB-INF/lib/gamma.jar", c),
           ("WEB-INF/lib/plain-0.9.2.jar", plain),
           ("WEB-INF/lib/trunc-9.jar", truncated)])
with open(os.path.join(out, "app.war"), "wb") as f:
    f.write(war)
with open(os.path.join(out, "app.ear"), "wb") as f:
    f.write(jar([("META-INF/application.xml", "<application/>\n"), ("app.war", war)]))

inner = jar([("META-INF/maven/org.loop/r/pom.properties", pom("org.loop", "r", "0"))])
for i in range(1, 12):
    inner = jar([("META-INF/maven/org.loop/r/pom.properties", pom("org.loop", "r", str(i))),
                 ("lib/r.jar", inner)])
with open(os.path.join(out, "deep.jar"), "wb") as f:
    f.write(inner)

buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/maven/org.bomb/bomb/pom.properties", pom("org.bomb", "bomb", "6.6"))
    with z.open("BOOT-INF/lib/huge.jar", "w", force_zip64=True) as f:
        zero = bytes(1 << 20)
        for _ in range(300):
            f.write(zero)
with open(os.path.join(out, "bomb.jar"), "wb") as f:
    f.write(buf.getvalue())

with open(os.path.join(out, "special.jar"), "wb") as f:
    f.write(jar([("META-INF/maven/org.ex/x+y/pom.properties", pom("org.ex", "x+y", "1.0:beta"))]))

# liar.jar: lib/liar.jar inflates to 300 MiB but the central directory says 1000 bytes
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/maven/org.liar/liar/pom.properties", pom("org.liar", "liar", "1.0"))
    with z.open("lib/liar.jar", "w") as f:
        zero = bytes(1 << 20)
        for _ in range(300):
            f.write(zero)
data = bytearray(buf.getvalue())
cd = data.rfind(b"PK\x01\x02")  # the last central directory header: lib/liar.jar
assert data[cd + 46:cd + 58] == b"lib/liar.jar"
data[cd + 24:cd + 28] = (1000).to_bytes(4, "little")
lh = data.rfind(b"PK\x03\x04", 0, cd)  # its local header
assert data[lh + 30:lh + 42] == b"lib/liar.jar"
data[lh + 22:lh + 26] = (1000).to_bytes(4, "little")
with open(os.path.join(out, "liar.jar"), "wb") as f:
    f.write(data)
