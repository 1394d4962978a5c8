package ai.avloc.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The scrape endpoint: fresh text on every GET at /metrics, nothing anywhere else. */
class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesTheSuppliersTextAtMetricsOnLoopback() throws Exception {
    AtomicInteger scrapes = new AtomicInteger();
    try (MetricsEndpoint e =
        MetricsEndpoint.start(
            "127.0.0.1", 0, () -> "avloc_test_total " + scrapes.incrementAndGet() + ".0\n")) {
      assertTrue(e.url().matches("http://127\\.0\\.0\\.1:\\d+/metrics"), e.url());
      HttpResponse<String> first = get(e.url(), "GET");
      assertEquals(200, first.statusCode());
      assertEquals(MetricsEndpoint.CONTENT_TYPE, first.headers().firstValue("Content-Type").get());
      assertEquals("avloc_test_total 1.0\n", first.body());
      assertEquals("avloc_test_total 2.0\n", get(e.url(), "GET").body(), "each scrape is fresh");
      assertEquals(404, get(e.url().replace("/metrics", "/metrics/x"), "GET").statusCode());
      assertEquals(405, get(e.url(), "POST").statusCode());
    }
  }

  private HttpResponse<String> get(String url, String method) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
