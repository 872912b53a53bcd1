# kunit.py --qemu_config for x86_64: the serial console, lockdep so that the lockdep_assert_*()
# context checks of the series are live, and KASAN (generic) for use-after-free of an mm.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_PROVE_LOCKING=y
CONFIG_KASAN=y
CONFIG_PREEMPT=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-smp', '4'])
