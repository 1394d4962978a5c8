package ai.avloc.dashboard;

import ai.avloc.alerts.RuleValidation;
import ai.avloc.dashboard.access.Access;
import ai.avloc.dashboard.access.Session;
import ai.avloc.dashboard.access.SignInThrottle;
import ai.avloc.dashboard.access.UserFile;
import ai.avloc.dashboard.live.LiveHub;
import ai.avloc.dashboard.state.AlertBook;
import ai.avloc.dashboard.state.CameraTrack;
import ai.avloc.dashboard.state.Fleet;
import ai.avloc.dashboard.state.Frame;
import ai.avloc.dashboard.state.RuleBoard;
import ai.avloc.dashboard.view.AlertView;
import ai.avloc.dashboard.view.RuleView;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.IsolationLevel;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard: follows the topics into its state, serves the JSON API and the pages, and pushes
 * changes to open event streams. The live topics (localizations, frames, camera status) are read
 * uncommitted from their end so a browser sees a window as soon as the job writes it, before the
 * job's next checkpoint commits it; alerts, rules and dead letters are read committed.
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

  private final DashboardConfig config;
  private final Topics topics;
  private final String token;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  private final LiveHub hub;
  private final Fleet fleet;
  private final AlertBook alerts;
  private final RuleBoard rules;
  private final Access access;
  private final SignInThrottle signIns;
  private final Gate gate;
  private final ClipReader clips;
  private final DashboardMetrics metrics;
  private RulePublisher publisher;
  private TopicFollower live;
  private TopicFollower records;
  private Javalin server;

  public Dashboard(DashboardConfig config) {
    this.config = config;
    this.topics = config.topics();
    this.token = config.token() != null ? config.token() : Access.newToken();
    this.hub = new LiveHub(json, config.stallLimit().toMillis());
    this.fleet = new Fleet(hub, System::currentTimeMillis);
    this.alerts = new AlertBook(config.alertCapacity(), fleet, hub);
    fleet.countAlertsFrom(alerts);
    this.rules = new RuleBoard(hub);
    this.access =
        new Access(
            token,
            config.usersFile() == null ? Map.of() : UserFile.read(config.usersFile()),
            System::currentTimeMillis);
    this.signIns = new SignInThrottle(10, 60_000, System::currentTimeMillis);
    this.gate = new Gate(access, signIns, config.tlsKeystore() != null);
    this.clips = new ClipReader(config.kafka(), topics);
    this.metrics = new DashboardMetrics(hub, fleet, alerts);
  }

  /** Creates missing topics, starts following them and serving; returns once both run. */
  public Dashboard start() {
    for (String created :
        TopicAdmin.createMissing(config.kafka(), TopicAdmin.standard(topics, 4))) {
      LOG.info("created topic {}", created);
    }
    publisher = new RulePublisher(config.kafka(), topics.alertRules());
    live =
        new TopicFollower(
                "live", config.kafka(), IsolationLevel.READ_UNCOMMITTED, this::undecodable)
            .follow(
                topics.localizations(),
                TopicFollower.Start.END,
                (k, v, t) -> {
                  if (v != null) {
                    fleet.onLocalization(v, t);
                  }
                })
            .follow(
                topics.frames(),
                TopicFollower.Start.END,
                (k, v, t) -> {
                  if (v != null) {
                    fleet.onFrame(v);
                  }
                })
            .follow(
                topics.cameraStatus(),
                TopicFollower.Start.BEGINNING,
                (k, v, t) -> {
                  if (v != null) {
                    fleet.onStatus(v);
                  }
                });
    long since = System.currentTimeMillis() - config.alertsSince().toMillis();
    records =
        new TopicFollower(
                "records", config.kafka(), IsolationLevel.READ_COMMITTED, this::undecodable)
            .follow(
                topics.alertRules(), TopicFollower.Start.BEGINNING, (k, v, t) -> rules.onRule(k, v))
            .follow(
                topics.alerts(),
                TopicFollower.Start.SINCE,
                since,
                (k, v, t) -> {
                  if (v != null) {
                    alerts.onAlert(v);
                  }
                })
            .follow(
                topics.deadLetters(),
                TopicFollower.Start.END,
                (k, v, t) -> {
                  if (v != null) {
                    fleet.onDeadLetter(v.getStage());
                  }
                });
    live.start();
    records.start();
    metrics.follow(live, records);
    server = Javalin.create(this::configure).start(config.bind(), config.port());
    LOG.info("dashboard serving {}", url());
    return this;
  }

  private void undecodable(String topic, RuntimeException e) {
    fleet.onDeadLetter("dashboard-decode");
    LOG.warn("a record on {} could not be shown: {}", topic, e.getMessage());
  }

  private void configure(io.javalin.config.JavalinConfig c) {
    c.jsonMapper(new JavalinJackson(json, false));
    c.http.maxRequestSize = config.maxBodyBytes();
    c.staticFiles.add("/web", Location.CLASSPATH);
    c.startup.showJavalinBanner = false;
    c.requestLogger.http((ctx, millis) -> metrics.request(ctx.path(), ctx.statusCode()));
    if (config.tlsKeystore() != null) {
      c.jetty.addConnector(
          (jetty, http) -> {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(config.tlsKeystore().toAbsolutePath().toString());
            tls.setKeyStorePassword(config.tlsPassword());
            tls.setKeyStoreType("PKCS12");
            http.addCustomizer(new SecureRequestCustomizer());
            ServerConnector https =
                new ServerConnector(
                    jetty,
                    new SslConnectionFactory(tls, "http/1.1"),
                    new HttpConnectionFactory(http));
            https.setHost(config.bind());
            https.setPort(config.port());
            return https;
          });
    }
    var r = c.routes;
    r.before(gate::check);
    r.post("/api/login", this::login);
    r.get("/api/session", ctx -> ctx.json(sessionJson(Gate.session(ctx))));
    r.post(
        "/api/logout",
        ctx -> {
          gate.clearCookie(ctx);
          ctx.status(HttpStatus.NO_CONTENT);
        });
    r.get("/api/cameras", ctx -> ctx.json(fleet.cameras()));
    r.get("/api/cameras/<id>/latest", ctx -> found(ctx, track(ctx).flatMap(CameraTrack::latest)));
    r.get(
        "/api/cameras/<id>/frame.jpg",
        ctx -> jpeg(ctx, track(ctx).flatMap(CameraTrack::latestFrame)));
    r.get("/api/cameras/<id>/timeline", this::timeline);
    r.get("/api/alerts", this::listAlerts);
    r.get(
        "/api/alerts/<id>/snapshot.jpg",
        ctx -> jpeg(ctx, alerts.snapshot(ctx.pathParam("id")).map(s -> s.frame())));
    r.get("/api/alerts/<id>/snapshot", this::snapshot);
    r.get("/api/alerts/<id>/clip", this::clip);
    r.post(
        "/api/alerts/<id>/ack",
        ctx -> found(ctx, alerts.acknowledge(ctx.pathParam("id"), Gate.session(ctx).user())));
    r.get("/api/alerts/<id>", ctx -> found(ctx, alerts.get(ctx.pathParam("id"))));
    r.get("/api/rules", ctx -> ctx.json(rules.all()));
    r.post("/api/rules", ctx -> saveRule(ctx, null));
    r.put("/api/rules/<id>", ctx -> saveRule(ctx, ctx.pathParam("id")));
    r.delete("/api/rules/<id>", this::deleteRule);
    r.get("/api/system", ctx -> ctx.json(fleet.system()));
    r.sse(
        "/api/live",
        sse -> {
          // stream=ID, repeated, names ids exactly (the pages use it: an id may hold a comma);
          // streams=a,b is the short form for scripts
          Set<String> wanted = new HashSet<>(sse.ctx().queryParams("stream"));
          String streams = sse.ctx().queryParam("streams");
          if (streams != null && !streams.isBlank()) {
            Arrays.stream(streams.split(",")).map(String::trim).forEach(wanted::add);
          }
          Session session = Gate.session(sse.ctx());
          String cookie = sse.ctx().cookie(Gate.COOKIE);
          boolean bearer = Gate.fromBearer(sse.ctx());
          hub.open(
              sse,
              wanted,
              session.user(),
              bearer ? "token" : "session:" + cookie,
              bearer ? () -> true : () -> access.session(cookie).isPresent());
        });
    r.exception(
        IllegalArgumentException.class,
        (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", e.getMessage())));
  }

  private void login(Context ctx) throws Exception {
    long wait = signIns.waitMillis(ctx.ip());
    if (wait > 0) {
      Gate.refuse(
          ctx,
          HttpStatus.TOO_MANY_REQUESTS,
          "too many failed sign-ins from this address; try again in " + (wait / 1000 + 1) + " s");
      return;
    }
    JsonNode body;
    try {
      body = json.readTree(ctx.body());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
    }
    Optional<String> id;
    if (body != null && body.hasNonNull("token")) {
      id = access.signInWithToken(body.get("token").asText());
    } else if (body != null && body.hasNonNull("user") && body.hasNonNull("password")) {
      id = access.signIn(body.get("user").asText(), body.get("password").asText().toCharArray());
    } else {
      throw new IllegalArgumentException(
          "send {\"token\": ...} or {\"user\": ..., \"password\": ...}");
    }
    if (id.isEmpty()) {
      signIns.failed(ctx.ip());
      Gate.refuse(ctx, HttpStatus.UNAUTHORIZED, "wrong token, user or password");
      return;
    }
    gate.setCookie(ctx, id.get());
    ctx.json(sessionJson(access.session(id.get()).orElseThrow()));
  }

  private static Map<String, Object> sessionJson(Session s) {
    return Map.of(
        "user", s.user(), "role", s.role().name().toLowerCase(Locale.ROOT), "csrf", s.csrf());
  }

  private Optional<CameraTrack> track(Context ctx) {
    return fleet.track(ctx.pathParam("id"));
  }

  private static void found(Context ctx, Optional<?> value) {
    if (value.isPresent()) {
      ctx.json(value.get());
    } else {
      Gate.refuse(ctx, HttpStatus.NOT_FOUND, "no such " + ctx.path());
    }
  }

  private static void jpeg(Context ctx, Optional<Frame> frame) {
    if (frame.isEmpty()) {
      Gate.refuse(ctx, HttpStatus.NOT_FOUND, "no frame for " + ctx.path());
      return;
    }
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Frame-Sequence", String.valueOf(frame.get().sequence()));
    ctx.contentType("image/jpeg").result(frame.get().jpeg());
  }

  private void timeline(Context ctx) {
    Optional<CameraTrack> t = track(ctx);
    if (t.isEmpty()) {
      found(ctx, t);
      return;
    }
    int seconds =
        Math.min(CameraTrack.TIMELINE_SECONDS, Math.max(1, intParam(ctx, "seconds", 300)));
    var points = t.get().timeline(seconds);
    long from = points.isEmpty() ? 0 : points.get(0).t();
    long to = points.isEmpty() ? 0 : points.get(points.size() - 1).t();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("streamId", t.get().streamId());
    out.put("points", points);
    out.put("alerts", alerts.overlapping(t.get().streamId(), from, to));
    ctx.json(out);
  }

  private void listAlerts(Context ctx) {
    String state = Optional.ofNullable(ctx.queryParam("state")).orElse("all");
    Boolean active =
        switch (state) {
          case "active" -> true;
          case "ended" -> false;
          case "all" -> null;
          default ->
              throw new IllegalArgumentException(
                  "state: is '" + state + "'; it must be active, ended or all");
        };
    int limit = Math.min(1000, Math.max(1, intParam(ctx, "limit", 200)));
    ctx.json(
        alerts.list(
            new AlertBook.Filter(
                ctx.queryParam("camera"),
                ctx.queryParam("rule"),
                longParam(ctx, "from"),
                longParam(ctx, "to"),
                active,
                limit)));
  }

  private void snapshot(Context ctx) {
    String id = ctx.pathParam("id");
    Optional<AlertBook.Snapshot> s = alerts.snapshot(id);
    found(
        ctx,
        s.map(
            snap -> {
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("localization", snap.localization());
              out.put(
                  "frameUrl",
                  snap.frame() == null ? null : "/api/alerts/" + pathOf(id) + "/snapshot.jpg");
              return out;
            }));
  }

  private void clip(Context ctx) {
    Optional<AlertView> a = alerts.get(ctx.pathParam("id"));
    if (a.isEmpty()) {
      found(ctx, a);
      return;
    }
    long end = a.get().end() != null ? a.get().end() : System.currentTimeMillis();
    Optional<ClipReader.Clip> clip =
        clips.tryRead(a.get().streamId(), a.get().start() - 2000, end + 2000);
    if (clip.isEmpty()) {
      Gate.refuse(
          ctx,
          HttpStatus.TOO_MANY_REQUESTS,
          ClipReader.MAX_READERS + " clips are being read; try again in a few seconds");
      return;
    }
    ctx.json(clip.get());
  }

  private void saveRule(Context ctx, String pathId) throws Exception {
    RuleView request;
    try {
      request = json.readValue(ctx.body(), RuleView.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not a rule: " + e.getOriginalMessage());
    }
    if (request == null) {
      throw new IllegalArgumentException("the body is not a rule: it is empty");
    }
    String id = pathId;
    if (id == null) {
      id =
          request.ruleId() != null && !request.ruleId().isBlank()
              ? request.ruleId()
              : newRuleId(request.name());
    } else if (request.ruleId() != null && !request.ruleId().equals(pathId)) {
      throw new IllegalArgumentException(
          "ruleId: is '" + request.ruleId() + "' but the path names '" + pathId + "'");
    }
    AlertRule rule = request.toRule(id);
    List<String> problems = new ArrayList<>(RuleValidation.problems(rule));
    // a camera the rule already watches may be offline now: an edit must not be refused for it
    List<String> watched =
        pathId == null ? List.of() : rules.get(pathId).map(RuleView::streamIds).orElse(List.of());
    for (int i = 0; i < rule.getStreamIds().size(); i++) {
      String camera = rule.getStreamIds().get(i);
      if (camera != null
          && !camera.isBlank()
          && !watched.contains(camera)
          && !fleet.knows(camera)) {
        problems.add("streamIds[" + i + "]: camera '" + camera + "' has not been seen");
      }
    }
    if (!problems.isEmpty()) {
      metrics.ruleWrite(DashboardMetrics.RuleWrite.REFUSED);
      ctx.status(HttpStatus.BAD_REQUEST)
          .json(Map.of("error", "rule '" + id + "' is not valid", "problems", problems));
      return;
    }
    publish(id, rule);
    rules.onRule(id, rule);
    ctx.status(pathId == null ? HttpStatus.CREATED : HttpStatus.OK).json(RuleView.of(rule));
  }

  private void deleteRule(Context ctx) {
    String id = ctx.pathParam("id");
    if (rules.get(id).isEmpty()) {
      Gate.refuse(ctx, HttpStatus.NOT_FOUND, "no rule '" + id + "'");
      return;
    }
    publish(id, null);
    rules.onRule(id, null);
    ctx.status(HttpStatus.NO_CONTENT);
  }

  /** Publishes a rule or its tombstone, counting the write. */
  private void publish(String id, AlertRule rule) {
    try {
      publisher.publish(id, rule);
    } catch (RuntimeException e) {
      metrics.ruleWrite(DashboardMetrics.RuleWrite.FAILED);
      throw e;
    }
    metrics.ruleWrite(DashboardMetrics.RuleWrite.OK);
  }

  /** An id as a URL path: each '/'-separated part percent-encoded, as the pages send it. */
  static String pathOf(String id) {
    return Arrays.stream(id.split("/", -1))
        .map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(Collectors.joining("/"));
  }

  /** A rule id from its name: lower-case letters, digits and '-', then 6 random characters. */
  static String newRuleId(String name) {
    String slug =
        (name == null ? "" : name)
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("(^-+|-+$)", "");
    slug = slug.length() > 40 ? slug.substring(0, 40) : slug;
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    return (slug.isEmpty() ? "zone" : slug) + "-" + suffix;
  }

  private static int intParam(Context ctx, String name, int fallback) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": is '" + v + "'; it must be a whole number");
    }
  }

  private static Long longParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + ": is '" + v + "'; it must be milliseconds since the epoch");
    }
  }

  /** The address to open, with the token: what a start prints. */
  public String url() {
    String scheme = config.tlsKeystore() != null ? "https" : "http";
    return scheme + "://" + config.bind() + ":" + port() + "/?token=" + token;
  }

  public int port() {
    return server.port();
  }

  public String token() {
    return token;
  }

  /** Whether both topic followers still run. */
  public boolean following() {
    return live != null && live.alive() && records.alive();
  }

  public int liveClients() {
    return hub.clients();
  }

  /** Its metrics, for a {@link ai.avloc.metrics.MetricsEndpoint} to serve. */
  public DashboardMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() throws InterruptedException {
    hub.close();
    if (server != null) {
      server.stop();
    }
    if (live != null) {
      live.close();
    }
    if (records != null) {
      records.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    metrics.close();
  }
}
