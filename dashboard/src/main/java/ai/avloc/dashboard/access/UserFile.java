package ai.avloc.dashboard.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The users of a multi-user install, read from YAML:
 *
 * <pre>
 * users:
 *   - name: alice
 *     role: operator
 *     password: pbkdf2-sha256$210000$SALT$HASH
 * </pre>
 *
 * Every problem of the file is reported at once, naming the entry.
 */
public final class UserFile {
  /** One user: name, role and stored password hash. */
  public record User(String name, Role role, String passwordHash) {}

  private UserFile() {}

  public static Map<String, User> read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": cannot read the users file: " + e.getMessage(), e);
    }
    JsonNode users = root == null ? null : root.get("users");
    if (users == null || !users.isArray() || users.isEmpty()) {
      throw new IllegalArgumentException(file + ": needs a non-empty list 'users'");
    }
    Map<String, User> byName = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      JsonNode u = users.get(i);
      String where = "users[" + i + "]";
      String name = text(u, "name");
      String role = text(u, "role");
      String password = text(u, "password");
      if (name == null || name.isBlank()) {
        problems.add(where + ".name: is missing");
      } else if (byName.containsKey(name)) {
        problems.add(where + ".name: '" + name + "' is listed twice");
      }
      Role r = null;
      try {
        r = Role.valueOf(role == null ? "" : role.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(where + ".role: is '" + role + "'; it must be viewer or operator");
      }
      try {
        PasswordHash.parse(password);
      } catch (IllegalArgumentException e) {
        problems.add(where + ".password: " + e.getMessage());
      }
      if (name != null && !name.isBlank() && r != null) {
        byName.putIfAbsent(name, new User(name, r, password));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
    }
    return byName;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
