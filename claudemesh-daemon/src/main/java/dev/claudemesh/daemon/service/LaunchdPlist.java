package dev.claudemesh.daemon.service;

/** Renders a launchd property list (launchd.plist(5)) with every value XML-escaped. */
final class LaunchdPlist {
  private LaunchdPlist() {}

  static String render(ServiceInstaller.Plan plan) {
    StringBuilder xml = new StringBuilder();
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" ")
        .append("\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n");
    xml.append("<!-- Written by claudemesh daemon install-service; remove it with claudemesh daemon uninstall-service. -->\n");
    xml.append("<plist version=\"1.0\">\n<dict>\n");
    key(xml, "Label").append("  <string>").append(escape(plan.name())).append("</string>\n");
    key(xml, "ProgramArguments").append("  <array>\n");
    for (String arg : plan.command()) {
      xml.append("    <string>").append(escape(arg)).append("</string>\n");
    }
    xml.append("  </array>\n");
    if (!plan.environment().isEmpty()) {
      key(xml, "EnvironmentVariables").append("  <dict>\n");
      plan.environment().forEach((name, value) -> xml.append("    <key>").append(escape(name))
          .append("</key>\n    <string>").append(escape(value)).append("</string>\n"));
      xml.append("  </dict>\n");
    }
    if (plan.scope() == ServiceInstaller.Scope.SYSTEM) {
      key(xml, "UserName").append("  <string>").append(escape(plan.userName())).append("</string>\n");
    }
    key(xml, "RunAtLoad").append("  <true/>\n");
    // Restart when it exits with a failure, like systemd's Restart=on-failure.
    key(xml, "KeepAlive").append("  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n");
    key(xml, "ThrottleInterval").append("  <integer>5</integer>\n");
    key(xml, "ProcessType").append("  <string>Background</string>\n");
    xml.append("</dict>\n</plist>\n");
    return xml.toString();
  }

  private static StringBuilder key(StringBuilder xml, String name) {
    return xml.append("  <key>").append(name).append("</key>\n");
  }

  /**
   * Escapes for XML text.
   *
   * @throws IllegalArgumentException for characters XML 1.0 cannot carry
   */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c < 0x20 && c != '\t' || c == 0xFFFE || c == 0xFFFF) {
            throw new IllegalArgumentException("cannot write U+" + String.format(java.util.Locale.ROOT, "%04X", (int) c)
                + " into a launchd property list");
          }
          out.append(c);
        }
      }
    }
    return out.toString();
  }
}
