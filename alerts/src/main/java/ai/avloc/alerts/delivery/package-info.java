/**
 * Alert delivery: {@link ai.avloc.alerts.delivery.AlertDelivery} reads the alerts topic with its
 * own consumer group and hands every START / UPDATE / END to each configured sink — webhooks
 * ({@link ai.avloc.alerts.delivery.WebhookSink}, signed JSON POSTs with retries and dead letters)
 * and MQTT ({@link ai.avloc.alerts.delivery.MqttSink}, Frigate-shaped topics for Home Assistant).
 * Both send the same JSON, built by {@link ai.avloc.alerts.delivery.FrigateEvents}. Each sink has
 * its own bounded queue and thread, so a slow or dead peer holds up no other sink.
 */
package ai.avloc.alerts.delivery;
