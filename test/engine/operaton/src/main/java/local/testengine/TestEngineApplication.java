package local.testengine;

import java.util.TimeZone;
import org.operaton.bpm.spring.boot.starter.annotation.EnableProcessApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Operaton engine (engine-rest only, no webapps) used by the proxy's tests and local runs.
 * BPMN fixtures under src/main/resources are deployed through META-INF/processes.xml.
 *
 * <p>System properties (all optional):
 * <ul>
 *   <li>{@code testengine.timezone} (default {@code UTC}): default JVM time zone, so Date variables
 *       come back as {@code ...+0000} whatever the machine's zone is.</li>
 *   <li>{@code testengine.parent-pid}: when that process exits, this engine exits too, so a
 *       test runner that dies without calling stop() leaves no JVM behind.</li>
 * </ul>
 */
@SpringBootApplication
@EnableProcessApplication("operaton-test-engine")
public class TestEngineApplication {
  public static void main(String[] args) {
    TimeZone.setDefault(TimeZone.getTimeZone(System.getProperty("testengine.timezone", "UTC")));
    watchParent(System.getProperty("testengine.parent-pid"));
    SpringApplication.run(TestEngineApplication.class, args);
  }

  private static void watchParent(String parentPid) {
    if (parentPid == null || parentPid.isBlank()) {
      return;
    }
    long pid = Long.parseLong(parentPid.trim());
    ProcessHandle.of(pid)
        .ifPresentOrElse(
            parent -> parent.onExit().thenRun(() -> {
              System.err.println("testengine: parent process " + pid + " exited, shutting down");
              System.exit(0);
            }),
            () -> {
              System.err.println("testengine: parent process " + pid + " is not running, exiting");
              System.exit(0);
            });
  }
}
