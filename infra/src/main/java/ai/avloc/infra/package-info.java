/**
 * The local runtime seen from Java: {@link ai.avloc.infra.LocalKafka} starts and stops a real
 * broker in its own JVM through {@code infra/bin/kafka-start} and {@code kafka-stop}. Depends on no
 * other avloc module; tests use {@code ai.avloc.testsupport.EmbeddedKafka} instead.
 */
package ai.avloc.infra;
